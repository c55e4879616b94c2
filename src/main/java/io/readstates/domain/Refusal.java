package io.readstates.domain;

/**
 * A request that is refused, and why: a status (in HTTP's terms, since that is what most callers
 * speak), a short machine-readable code, a message a person can act on, and how many seconds to wait
 * before retrying (0: retrying will not help). Whatever is refused has changed nothing.
 *
 * <p>Refusals are expected answers, not bugs, so they capture no stack trace: building one costs no
 * more than any other small object, and the fixed ones are shared instances.
 */
public final class Refusal extends RuntimeException
{
    private static final long serialVersionUID = 1L;
    /** What to wait before trying again after a refusal for want of something the service will have shortly. */
    private static final int RETRY_AFTER_SECONDS = 1;

    public static final Refusal REDIS_UNAVAILABLE = new Refusal(503, "redis_unavailable",
        "the user's read states are not in memory and Redis cannot be reached to load them; retry shortly",
        RETRY_AFTER_SECONDS);
    public static final Refusal MEMORY_FULL = new Refusal(503, "memory_full",
        "memory is full of changes not yet written to Redis; retry shortly", RETRY_AFTER_SECONDS);
    public static final Refusal CACHE_TOO_SMALL = new Refusal(507, "cache_too_small",
        "the user's read states do not fit in this service's cache even when it holds nothing else; retrying will " +
        "not help: the cache (cacheBytes) must grow", 0);
    public static final Refusal STOPPING = new Refusal(503, "stopping",
        "the service is stopping; retry on another instance or shortly", RETRY_AFTER_SECONDS);

    public static final Refusal MOVING = new Refusal(503, "moving",
        "the user is moving between nodes of the cluster; retry shortly", RETRY_AFTER_SECONDS);
    public static final Refusal NOT_CONFIRMED = new Refusal(503, "not_confirmed",
        "the change was made and will be written once Redis answers, but Redis has not confirmed it in time", RETRY_AFTER_SECONDS);
    public static final Refusal NO_QUORUM = new Refusal(503, "no_quorum",
        "this node sees too few members of its cluster to serve anyone; retry on another node or shortly",
        RETRY_AFTER_SECONDS);
    public static final Refusal OWNER_UNREACHABLE = new Refusal(503, "owner_unreachable",
        "the node that owns the user did not answer; retry shortly", RETRY_AFTER_SECONDS);

    private final int status;
    private final String code;
    private final int retryAfterSeconds;

    private Refusal(final int status, final String code, final String message, final int retryAfterSeconds)
    {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A refusal that retrying will not cure. */
    public static Refusal of(final int status, final String code, final String message)
    {
        return new Refusal(status, code, message, 0);
    }

    /** A refusal another node of the cluster answered, passed on as it is. */
    public static Refusal of(final int status, final String code, final String message, final int retryAfterSeconds)
    {
        return new Refusal(status, code, message, retryAfterSeconds);
    }

    /** A 400: the request itself is wrong. */
    public static Refusal badRequest(final String code, final String message)
    {
        return of(400, code, message);
    }

    public int status()
    {
        return status;
    }

    public String code()
    {
        return code;
    }

    /** @return seconds to wait before retrying, or 0 if retrying will not help. */
    public int retryAfterSeconds()
    {
        return retryAfterSeconds;
    }
}
