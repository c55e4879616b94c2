package io.readstates.shard;

/**
 * The answer needs something the shard cannot have right now: Redis to load a user, or memory that
 * only unwritten records fill. Callers turn it into a 503 with Retry-After; nothing was changed.
 */
public final class Unavailable extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String code;

    private Unavailable(final String code, final String message, final Throwable cause)
    {
        super(message, cause);
        this.code = code;
    }

    public static Unavailable redis(final Throwable cause)
    {
        return new Unavailable("redis_unavailable",
            "the user's read states are not in memory and Redis cannot be reached to load them; retry shortly", cause);
    }

    public static Unavailable memoryFull()
    {
        return new Unavailable("memory_full",
            "memory is full of changes not yet written to Redis; retry shortly", null);
    }

    public static Unavailable stopping()
    {
        return new Unavailable("stopping", "the service is stopping; retry on another instance or shortly", null);
    }

    /** @return a short machine-readable reason. */
    public String code()
    {
        return code;
    }
}
