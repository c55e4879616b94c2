package io.readstates.ops;

import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.List;

/**
 * Health for orchestrators. Live: the process answers HTTP. Ready: every shard has started and Redis
 * answers a PING within a second; a service that cannot reach Redis still answers its resident users,
 * but should not be sent new ones.
 */
public final class Health
{
    private static final long CHECK_TIMEOUT_MS = 1_000;

    private Health()
    {
    }

    public static HealthChecks live(final Vertx vertx)
    {
        return HealthChecks.create(vertx).register("http", promise -> promise.complete(Status.OK()));
    }

    public static HealthChecks ready(final Vertx vertx, final List<ShardStats> shards, final Redis redis)
    {
        return HealthChecks.create(vertx)
            .register("shards", promise -> promise.complete(shards.stream().allMatch(s -> s.started) ? Status.OK() : Status.KO()))
            .register("redis", CHECK_TIMEOUT_MS, promise -> redis.send(Request.cmd(Command.PING)).onComplete(ar ->
                promise.tryComplete(ar.succeeded() ? Status.OK() : Status.KO())));
    }
}
