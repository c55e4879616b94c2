package io.readstates.gateway;

import io.readstates.wire.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/**
 * End-user tokens: JWTs signed with HS256 by a shared secret, whose {@code sub} is the user id and
 * whose {@code exp} is required and checked. Clocks of the issuer and the service may differ by up to
 * {@link #CLOCK_SKEW_SECONDS}: a token issued that much in the future, or expired that long ago, is valid.
 */
public final class UserTokens
{
    /** Small enough that an expired token is not used for long; large enough for clocks kept by NTP. */
    public static final int CLOCK_SKEW_SECONDS = 10;

    private final JWTAuth jwt;

    public UserTokens(final Vertx vertx, final String secret)
    {
        this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
            .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setLeeway(CLOCK_SKEW_SECONDS)));
    }

    /** @return the user id the token names; fails if the token is not valid now. */
    public Future<Long> verify(final String token)
    {
        try
        {
            return check(token);
        }
        catch (final RuntimeException e)
        {
            return Future.failedFuture(e);
        }
    }

    private Future<Long> check(final String token)
    {
        return jwt.authenticate(new TokenCredentials(token)).map(user ->
        {
            // The provider keeps the verified claims as the user's "accessToken" attribute.
            final JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
            if (!(claims.getValue("exp") instanceof Number))
            {
                throw new IllegalArgumentException("the token has no exp claim");
            }
            return Ids.parseDecimal(String.valueOf(claims.getValue("sub")), "the token's sub");
        });
    }

    /** Signs a token for a user, valid for {@code seconds}: for tests and tools. */
    public String issue(final long userId, final int seconds)
    {
        return jwt.generateToken(new JsonObject().put("sub", Ids.format(userId)),
            new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(seconds));
    }
}
