package io.readstates.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user token is valid when its issuer's clock is a few seconds off the service's, and not when it is far off. */
class UserTokensTest
{
    private static final String SECRET = "a-user-token-secret-of-32-characters";
    private static final Vertx VERTX = Vertx.vertx();
    private static final JWTAuth ISSUER = JWTAuth.create(VERTX, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    private final UserTokens tokens = new UserTokens(VERTX, SECRET);

    @AfterAll
    static void stop()
    {
        VERTX.close();
    }

    /** A token whose issuer's clock runs {@code aheadS} seconds ahead of the service's, valid for {@code validS}. */
    private static String issuedAhead(final long aheadS, final long validS)
    {
        final long issuerNow = System.currentTimeMillis() / 1000 + aheadS;
        return ISSUER.generateToken(new JsonObject().put("sub", "42").put("iat", issuerNow).put("exp", issuerNow + validS),
            new JWTOptions().setNoTimestamp(true));
    }

    private boolean valid(final String token) throws Exception
    {
        try
        {
            return tokens.verify(token).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS) == 42;
        }
        catch (final java.util.concurrent.ExecutionException refused)
        {
            return false;
        }
    }

    @Test
    void shouldAcceptATokenFromAClockAFewSecondsAhead() throws Exception
    {
        assertTrue(valid(issuedAhead(2, 600)), "issued 2 s in the future");
        assertTrue(valid(issuedAhead(UserTokens.CLOCK_SKEW_SECONDS - 2, 600)));
    }

    @Test
    void shouldAcceptATokenExpiredByLessThanTheSkew() throws Exception
    {
        assertTrue(valid(issuedAhead(-600, 600 - 3)), "expired 3 s ago");
    }

    @Test
    void shouldRefuseATokenFromAClockFarAheadOrExpiredLongAgo() throws Exception
    {
        assertFalse(valid(issuedAhead(UserTokens.CLOCK_SKEW_SECONDS + 60, 600)), "issued a minute past the skew ahead");
        assertFalse(valid(issuedAhead(-600, 600 - UserTokens.CLOCK_SKEW_SECONDS - 60)), "expired a minute past the skew");
    }
}
