package io.readstates.ops;

import io.readstates.persist.RedisCommands;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.List;

/**
 * Health for orchestrators. Live: the process answers HTTP. Ready: the node can serve its users: every
 * shard has started, and in a cluster the node has quorum, holds its lease and serves every slot it
 * owns. Redis is reported, not required: a node that cannot reach Redis still answers its resident
 * users and keeps their changes until Redis is back, and a Redis hiccup must not take every node out of
 * its load balancer at once. The body's {@code redis} check says whether every shard's last Redis command
 * succeeded and Redis answers a PING within the Redis deadline ({@code data.reachable}). A check that
 * fails or stalls answers 503, never 500.
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

    /**
     * @param timeoutMs how long the PING may take before Redis counts as unreachable
     * @param clusterServing in a cluster, whether this node has quorum and serves every slot it owns
     * (so that a rolling update waits for its hand-over before it moves on); null for a node alone
     */
    public static HealthChecks ready(final Vertx vertx, final List<ShardStats> shards, final RedisCommands redis, final long timeoutMs,
        final java.util.function.BooleanSupplier clusterServing)
    {
        final HealthChecks checks = HealthChecks.create(vertx)
            .register("shards", promise -> promise.complete(shards.stream().allMatch(s -> s.started) ? Status.OK() : Status.KO()))
            .register("redis", timeoutMs * 2, promise -> redisAnswers(vertx, shards, redis, timeoutMs)
                .onSuccess(reachable -> promise.complete(Status.OK(new JsonObject().put("reachable", reachable)))));
        if (clusterServing != null)
        {
            checks.register("cluster", promise -> promise.complete(clusterServing.getAsBoolean() ? Status.OK() : Status.KO()));
        }
        return checks;
    }

    /** @return whether every shard's last Redis command succeeded and Redis answers a PING in time; never fails */
    private static Future<Boolean> redisAnswers(final Vertx vertx, final List<ShardStats> shards, final RedisCommands redis,
        final long timeoutMs)
    {
        if (!shards.stream().allMatch(s -> s.redisReachable))
        {
            return Future.succeededFuture(false);
        }
        final Promise<Boolean> answer = Promise.promise();
        final long timer = vertx.setTimer(timeoutMs, id -> answer.tryComplete(false));
        try
        {
            redis.send(Request.cmd(Command.PING)).onComplete(ar ->
            {
                vertx.cancelTimer(timer);
                answer.tryComplete(ar.succeeded());
            });
        }
        catch (final RuntimeException e)
        {
            vertx.cancelTimer(timer);
            answer.tryComplete(false);
        }
        return answer.future();
    }
}
