package io.readstates.persist;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.RedisClusterClient;

import java.util.Comparator;

/**
 * Builds each shard's Redis client. A pooled client opens connections on demand, so after an outage the
 * next command simply connects again; the persister's backoff paces those attempts. The waiting queue is
 * bounded so that a stalled Redis pushes back instead of queueing without limit.
 */
public final class RedisConnections
{
    private static final int CONNECT_TIMEOUT_MS = 1_000;
    /** Connections per client (per node of a cluster), one client per shard: a shard has one write batch and a few loads in flight. */
    private static final int POOL_SIZE = 4;
    /** Requests that may wait for a connection, and for an answer on one, before new ones are refused. */
    private static final int MAX_WAITING_FOR_CONNECTION = 1024;
    private static final int MAX_WAITING_FOR_ANSWER = 4096;

    static
    {
        // A script is called by its digest on whichever node holds the key, so every node must hold it:
        // in a cluster, SCRIPT goes to every master (the answers agree; any one will do).
        RedisClusterClient.addReducer(Command.SCRIPT, answers -> answers.get(0));
        // WAIT has no key, so a cluster connection sends it to every master: a write is as replicated as
        // the least replicated master says.
        RedisClusterClient.addReducer(Command.WAIT, answers ->
            answers.stream().min(Comparator.comparingLong(Response::toLong)).orElseThrow());
    }

    private RedisConnections()
    {
    }

    /** A client of one Redis server, for the tools and tests that talk to Redis directly. */
    public static RedisCommands create(final Vertx vertx, final String url)
    {
        return create(vertx, RedisTarget.server(url), "redis");
    }

    static RedisCommands create(final Vertx vertx, final RedisTarget target, final String name)
    {
        final RedisOptions options = new RedisOptions()
            .setType(target.cluster() ? RedisClientType.CLUSTER : RedisClientType.STANDALONE)
            .setPoolName(name)
            .setPreferredProtocolVersion(ProtocolVersion.RESP2)
            .setMaxPoolSize(POOL_SIZE)
            .setMaxPoolWaiting(MAX_WAITING_FOR_CONNECTION)
            .setMaxWaitingHandlers(MAX_WAITING_FOR_ANSWER)
            .setNetClientOptions(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS).setTcpNoDelay(true));
        target.urls().forEach(options::addConnectionString);
        return new RedisCommands(Redis.createClient(vertx, options), target.cluster(), target.replicas());
    }
}
