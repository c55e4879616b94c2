package io.readstates.persist;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * Builds each shard's Redis client. A pooled client opens connections on demand, so after an outage the
 * next command simply connects again; the persister's backoff paces those attempts. The waiting queue is
 * bounded so that a stalled Redis pushes back instead of queueing without limit.
 */
public final class RedisConnections
{
    private static final int CONNECT_TIMEOUT_MS = 1_000;
    /** Connections per client, one client per shard: a shard has one write batch and a few loads in flight. */
    private static final int POOL_SIZE = 4;
    /** Requests that may wait for a connection, and for an answer on one, before new ones are refused. */
    private static final int MAX_WAITING_FOR_CONNECTION = 1024;
    private static final int MAX_WAITING_FOR_ANSWER = 4096;

    private RedisConnections()
    {
    }

    public static Redis create(final Vertx vertx, final String url)
    {
        return create(vertx, url, "redis");
    }

    /** @param name names the client's connection pool in metrics. */
    public static Redis create(final Vertx vertx, final String url, final String name)
    {
        return Redis.createClient(vertx, new RedisOptions()
            .setConnectionString(url)
            .setPoolName(name)
            .setPreferredProtocolVersion(ProtocolVersion.RESP2)
            .setMaxPoolSize(POOL_SIZE)
            .setMaxPoolWaiting(MAX_WAITING_FOR_CONNECTION)
            .setMaxWaitingHandlers(MAX_WAITING_FOR_ANSWER)
            .setNetClientOptions(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setTcpNoDelay(true)));
    }
}
