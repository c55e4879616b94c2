package io.readstates.support;

import io.readstates.persist.RedisTarget;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A Redis of the test's own that it may stop and start again on the same data: one server, or a Redis
 * Cluster. Tests of persistence run on both, with {@link Kind} as their parameter.
 */
public interface RedisFixture extends AutoCloseable
{
    enum Kind
    {
        SERVER("one Redis server"), CLUSTER("a Redis Cluster of three masters");

        private final String description;

        Kind(final String description)
        {
            this.description = description;
        }

        @Override
        public String toString()
        {
            return description;
        }

        public RedisFixture start() throws IOException
        {
            return this == SERVER ? new TestRedis() : new TestRedisCluster(3);
        }
    }

    RedisTarget target();

    /** Stops every server, as an outage does. */
    void stop();

    /** Starts every server again, on the data it had. */
    void start() throws IOException;

    /** @return Redis's answer, straight from Redis */
    Response send(Request request) throws Exception;

    /** @return the fields of a hash, read straight from Redis. */
    default Map<String, String> hash(final String key) throws Exception
    {
        final Response response = send(Request.cmd(Command.HGETALL).arg(key));
        final Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < response.size(); i += 2)
        {
            fields.put(response.get(i).toString(), response.get(i + 1).toString());
        }
        return fields;
    }

    /** {@link #hash}, for where a checked exception cannot go, such as an {@link Await} probe. */
    default Map<String, String> hashOrFail(final String key)
    {
        try
        {
            return hash(key);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("reading " + key + " from Redis failed", e);
        }
    }

    /** @return the service's settings that name this Redis */
    default Map<String, String> env()
    {
        final Map<String, String> env = new HashMap<>();
        env.put("READSTATES_REDIS_URL", String.join(",", target().urls()));
        env.put("READSTATES_REDIS_MODE", target().cluster() ? "cluster" : "standalone");
        return env;
    }

    @Override
    void close();
}
