package io.readstates.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The tokens the HTTP API accepts as {@code Authorization: Bearer <token>} (the scheme in any case): the
 * internal tokens, several at once while one is rotated out, for every route; and a metrics token for
 * {@code /metrics} alone, so that a scraper's credential reads no user's data. Every token is compared,
 * each in constant time, whichever matches: the time taken says nothing of which one did.
 */
final class BearerTokens
{
    private static final String BEARER = "Bearer ";

    private final byte[][] internal;
    private final byte[] metrics;

    /**
     * @param internal the internal tokens; none disables every check (development only)
     * @param metrics the metrics token, or null
     */
    BearerTokens(final List<String> internal, final String metrics)
    {
        this.internal = internal.stream().map(token -> token.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        this.metrics = metrics == null ? null : metrics.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the API answers without a token (development only). */
    boolean open()
    {
        return internal.length == 0;
    }

    /** Whether {@code authorization} (the header, or null) carries an internal token. */
    boolean internal(final String authorization)
    {
        return open() || matches(bearer(authorization), internal, null);
    }

    /** Whether {@code authorization} carries an internal token or the metrics token. */
    boolean metrics(final String authorization)
    {
        return open() || matches(bearer(authorization), internal, metrics);
    }

    private static byte[] bearer(final String authorization)
    {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length()))
        {
            return null;
        }
        return authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean matches(final byte[] given, final byte[][] tokens, final byte[] also)
    {
        if (given == null)
        {
            return false;
        }
        boolean matched = also != null && MessageDigest.isEqual(also, given);
        for (final byte[] token : tokens)
        {
            matched |= MessageDigest.isEqual(token, given);
        }
        return matched;
    }
}
