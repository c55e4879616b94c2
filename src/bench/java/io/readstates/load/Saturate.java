package io.readstates.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed loop at fixed concurrency: each of {@code concurrency} lanes sends an ack as soon as the last
 * one answered, for {@code duration} seconds after a warm-up. Measures throughput at saturation, for
 * the service or for the bare endpoint that answers a constant.
 */
final class Saturate
{
    private final Options options;

    Saturate(final Options options)
    {
        this.options = options;
    }

    void run() throws Exception
    {
        final Workload workload = new Workload(options);
        final int warmupS = options.integer("warmup", 10);
        final int durationS = options.integer("duration", 30);
        final Vertx vertx = LoadTool.vertx();
        final Http http = new Http(vertx, options);
        final AtomicLong completed = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final long measureFrom = System.nanoTime() + warmupS * 1_000_000_000L;
        final long end = measureFrom + durationS * 1_000_000_000L;
        final List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < options.integer("concurrency", 128); lane++)
        {
            lanes.add(lane(http, workload, new SplittableRandom(lane), measureFrom, end, completed, errors));
        }
        Future.all(lanes).toCompletionStage().toCompletableFuture().get();
        System.out.printf("%s: %.0f acks/s at saturation (%d in %d s, %d errors)%n", options.text("label", "saturate"),
            completed.get() / (double)durationS, completed.get(), durationS, errors.get());
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /** One lane: the next ack starts when the last one answered; a promise marks the lane's end. */
    private static Future<Void> lane(final Http http, final Workload workload, final SplittableRandom random,
        final long measureFrom, final long end, final AtomicLong completed, final AtomicLong errors)
    {
        final Promise<Void> done = Promise.promise();
        next(http, workload, random, measureFrom, end, completed, errors, done);
        return done.future();
    }

    private static void next(final Http http, final Workload workload, final SplittableRandom random, final long measureFrom,
        final long end, final AtomicLong completed, final AtomicLong errors, final Promise<Void> done)
    {
        if (System.nanoTime() >= end)
        {
            done.complete();
            return;
        }
        final int user = workload.user(random);
        final long channel = workload.channelId(user, random.nextInt(workload.channelsPerUser));
        final long message = Workload.MESSAGE_BASE + System.nanoTime();
        http.send(HttpMethod.POST, "/v1/users/" + Workload.userId(user) + "/channels/" + channel + "/ack",
            "{\"messageId\":\"" + Long.toUnsignedString(message) + "\"}").onComplete(ar ->
        {
            final long now = System.nanoTime();
            if (now >= measureFrom && now < end)
            {
                completed.incrementAndGet();
                if (ar.failed() || ar.result() != 200)
                {
                    errors.incrementAndGet();
                }
            }
            next(http, workload, random, measureFrom, end, completed, errors, done);
        });
    }
}
