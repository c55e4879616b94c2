package io.readstates.ops;

import io.readstates.persist.RedisCommands;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.List;

/**
 * Health for orchestrators. Live: the process answers HTTP. Ready: every shard has started, every
 * shard's last Redis command succeeded, and Redis answers a PING within the Redis deadline; a service
 * that cannot reach Redis still answers its resident users, but should not be sent new ones. A check
 * that fails or stalls answers 503, never 500.
 */
public final class Health
{
    private Health()
    {
    }

    public static HealthChecks live(final Vertx vertx)
    {
        return HealthChecks.create(vertx).register("http", promise -> promise.complete(Status.OK()));
    }

    /** @param timeoutMs how long the PING may take before Redis counts as unreachable */
    /**
     * @param clusterServing in a cluster, whether this node has quorum and serves every slot it owns
     * (so that a rolling update waits for its hand-over before it moves on); null for a node alone
     */
    public static HealthChecks ready(final Vertx vertx, final List<ShardStats> shards, final RedisCommands redis, final long timeoutMs,
        final java.util.function.BooleanSupplier clusterServing)
    {
        final HealthChecks checks = HealthChecks.create(vertx)
            .register("shards", promise -> promise.complete(shards.stream().allMatch(s -> s.started) ? Status.OK() : Status.KO()))
            .register("redis", timeoutMs * 2, promise -> redisAnswers(vertx, shards, redis, timeoutMs, promise));
        if (clusterServing != null)
        {
            checks.register("cluster", promise -> promise.complete(clusterServing.getAsBoolean() ? Status.OK() : Status.KO()));
        }
        return checks;
    }

    private static void redisAnswers(final Vertx vertx, final List<ShardStats> shards, final RedisCommands redis, final long timeoutMs,
        final Promise<Status> promise)
    {
        if (!shards.stream().allMatch(s -> s.redisReachable))
        {
            promise.complete(Status.KO());
            return;
        }
        final long timer = vertx.setTimer(timeoutMs, id -> promise.tryComplete(Status.KO()));
        try
        {
            redis.send(Request.cmd(Command.PING)).onComplete(ar ->
            {
                vertx.cancelTimer(timer);
                promise.tryComplete(ar.succeeded() ? Status.OK() : Status.KO());
            });
        }
        catch (final RuntimeException e)
        {
            vertx.cancelTimer(timer);
            promise.tryComplete(Status.KO());
        }
    }
}
