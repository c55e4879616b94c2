package io.readstates.support;

import io.readstates.persist.RedisCommands;
import io.readstates.persist.RedisTarget;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.concurrent.TimeUnit;

/** A test's own client of a Redis, to look at what the service wrote; connects on first use. */
final class RedisProbe
{
    private final RedisTarget target;
    private Vertx vertx;
    private RedisCommands client;

    RedisProbe(final RedisTarget target)
    {
        this.target = target;
    }

    synchronized Response send(final Request request) throws Exception
    {
        if (client == null)
        {
            vertx = Vertx.vertx();
            client = target.connect(vertx, "test-probe");
        }
        return client.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Drops the connections, so that none outlives the server it was to. */
    synchronized void close()
    {
        if (vertx != null)
        {
            vertx.close();
            vertx = null;
            client = null;
        }
    }
}
