package io.readstates.support;

import io.readstates.ReadStatesService;
import io.readstates.config.Settings;
import io.readstates.persist.LocalRedis;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The service started in the test's JVM on a free port, against a given Redis. */
public final class RunningService implements AutoCloseable
{
    public static final String TOKEN = "test-internal-token-0123456789";

    private final ReadStatesService service;
    private final int port;
    /** A Redis started for this service alone and stopped with it, or null. */
    private TestRedis ownRedis;

    private RunningService(final ReadStatesService service, final int port)
    {
        this.service = service;
        this.port = port;
    }

    /** The service on a Redis of its own, which {@link #close} stops too. */
    public static RunningService withOwnRedis(final Map<String, String> overrides) throws Exception
    {
        final TestRedis redis = new TestRedis();
        try
        {
            final RunningService service = start(redis.url(), overrides);
            service.ownRedis = redis;
            return service;
        }
        catch (final Exception | AssertionError e)
        {
            redis.close();
            throw e;
        }
    }

    /** @return the Redis started with {@link #withOwnRedis} */
    public TestRedis redis()
    {
        return ownRedis;
    }

    /** @param overrides environment variables on top of the defaults used by the tests. */
    public static RunningService start(final String redisUrl, final Map<String, String> overrides) throws Exception
    {
        final Map<String, String> env = new HashMap<>(overrides);
        env.putIfAbsent("READSTATES_REDIS_URL", redisUrl);
        return start(env);
    }

    /** The service on the given Redis, one server or a cluster. */
    public static RunningService start(final RedisFixture redis) throws Exception
    {
        return start(redis, Map.of());
    }

    /** @param overrides environment variables on top of the defaults and of those naming {@code redis} */
    public static RunningService start(final RedisFixture redis, final Map<String, String> overrides) throws Exception
    {
        final Map<String, String> env = new HashMap<>(redis.env());
        env.putAll(overrides);
        return start(env);
    }

    private static RunningService start(final Map<String, String> overrides) throws Exception
    {
        final int port = LocalRedis.freePort();
        final Map<String, String> env = new HashMap<>();
        env.put("READSTATES_HTTP_PORT", String.valueOf(port));
        env.put("READSTATES_INTERNAL_TOKEN", TOKEN);
        env.put("READSTATES_SHARDS", "2");
        env.put("READSTATES_CACHE_BYTES", String.valueOf(16L << 20));
        env.put("READSTATES_FLUSH_INTERVAL_MS", "20");
        env.put("READSTATES_SHUTDOWN_TIMEOUT_MS", "10000");
        env.putAll(overrides);
        final Settings settings = Settings.load(env);
        final ReadStatesService service = ReadStatesService.start(settings, settings.redis)
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new RunningService(service, port);
    }

    public static RunningService start(final String redisUrl) throws Exception
    {
        return start(redisUrl, Map.of());
    }

    public Api api()
    {
        return new Api(port, TOKEN);
    }

    public int port()
    {
        return port;
    }

    /**
     * Stops as on SIGTERM: no new requests, every dirty record written. Fails if anything went wrong
     * unnoticed on an event loop meanwhile, as the service's metrics tell.
     */
    @Override
    public void close()
    {
        final double unhandled;
        final boolean written;
        try
        {
            unhandled = Scrape.sum(api(), "readstates_unhandled_failures_total");
            written = service.stop(20_000);
        }
        catch (final Exception e)
        {
            throw new AssertionError("the service did not stop: " + e, e);
        }
        finally
        {
            if (ownRedis != null)
            {
                ownRedis.close();
            }
        }
        if (!written || unhandled != 0)
        {
            throw new AssertionError("stopped with changes not written (" + !written + ") or " + unhandled +
                " unhandled failures on event loops; see the test output");
        }
    }
}
