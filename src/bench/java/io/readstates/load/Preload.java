package io.readstates.load;

import io.readstates.persist.RedisCommands;
import io.readstates.persist.RedisConnections;
import io.readstates.persist.ReadStateWrite;
import io.readstates.persist.RedisLayout;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts the population into Redis in minutes: pipelined batches of HSET, one per user, in the service's
 * own layout; then (warm) reads every hot user once through the API so that the service holds them.
 */
final class Preload
{
    private static final int BATCH = 500;
    private static final int IN_FLIGHT = 8;

    private final Options options;

    Preload(final Options options)
    {
        this.options = options;
    }

    void redis() throws Exception
    {
        final Workload workload = new Workload(options);
        final Vertx vertx = LoadTool.vertx();
        final RedisCommands redis = RedisConnections.create(vertx, options.text("redis", "redis://127.0.0.1:6379"));
        final long started = System.nanoTime();
        final AtomicInteger next = new AtomicInteger();
        redis.batch(RedisLayout.loadScripts()).toCompletionStage().toCompletableFuture().get();
        final List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < IN_FLIGHT; lane++)
        {
            lanes.add(lane(redis, workload, next));
        }
        Future.all(lanes).toCompletionStage().toCompletableFuture().get();
        final List<Request> channels = new ArrayList<>();
        for (int c = 0; c < workload.channels; c++)
        {
            final long channelId = Workload.CHANNEL_BASE + c;
            channels.add(RedisLayout.writeChannel(channelId, Workload.MESSAGE_BASE, Workload.guildId(channelId)));
            if (channels.size() == BATCH || c == workload.channels - 1)
            {
                redis.batch(new ArrayList<>(channels)).toCompletionStage().toCompletableFuture().get();
                channels.clear();
            }
        }
        System.out.printf("preloaded %d users x %d channels = %d read states and %d channels in %.1f s%n",
            workload.users(), workload.channelsPerUser, (long)workload.users() * workload.channelsPerUser, workload.channels,
            (System.nanoTime() - started) / 1e9);
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private static Future<Void> lane(final RedisCommands redis, final Workload workload, final AtomicInteger next)
    {
        final Promise<Void> done = Promise.promise();
        laneNext(redis, workload, next, done);
        return done.future();
    }

    private static void laneNext(final RedisCommands redis, final Workload workload, final AtomicInteger next, final Promise<Void> done)
    {
        final int from = next.getAndAdd(BATCH);
        if (from >= workload.users())
        {
            done.complete();
            return;
        }
        final List<Request> batch = new ArrayList<>(BATCH);
        for (int u = from; u < Math.min(from + BATCH, workload.users()); u++)
        {
            final ReadStateWrite write = new ReadStateWrite().user(Workload.userId(u), 0);
            for (int k = 0; k < workload.channelsPerUser; k++)
            {
                write.readState(workload.channelId(u, k), Workload.MESSAGE_BASE, 0, 1, false);
            }
            batch.add(write.request());
        }
        redis.batch(batch).onComplete(ar ->
        {
            if (ar.failed())
            {
                done.fail(ar.cause());
            }
            else
            {
                laneNext(redis, workload, next, done);
            }
        });
    }

    /** Reads every hot user once, {@code connections} at a time, so that the service holds them. */
    void warm() throws Exception
    {
        final Workload workload = new Workload(options);
        final Vertx vertx = LoadTool.vertx();
        final Http http = new Http(vertx, options);
        final long started = System.nanoTime();
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < options.integer("connections", 64); lane++)
        {
            lanes.add(warmLane(http, workload, next, errors));
        }
        Future.all(lanes).toCompletionStage().toCompletableFuture().get();
        System.out.printf("warmed %d hot users in %.1f s, %d errors%n", workload.hotUsers, (System.nanoTime() - started) / 1e9,
            errors.get());
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /** One lane: the next request starts when the last one answered; a promise marks the lane's end. */
    private static Future<Void> warmLane(final Http http, final Workload workload, final AtomicInteger next,
        final AtomicInteger errors)
    {
        final Promise<Void> done = Promise.promise();
        warmNext(http, workload, next, errors, done);
        return done.future();
    }

    private static void warmNext(final Http http, final Workload workload, final AtomicInteger next, final AtomicInteger errors,
        final Promise<Void> done)
    {
        final int user = next.getAndIncrement();
        if (user >= workload.hotUsers)
        {
            done.complete();
            return;
        }
        http.send(HttpMethod.GET, "/v1/users/" + Workload.userId(user) + "/read-states", null).onComplete(ar ->
        {
            if (ar.failed() || ar.result() != 200)
            {
                errors.incrementAndGet();
            }
            warmNext(http, workload, next, errors, done);
        });
    }
}
