package io.readstates.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Closed loop at fixed concurrency: each of {@code concurrency} lanes sends an ack as soon as the last
 * one answered, for {@code duration} seconds after a warm-up. Measures throughput at saturation, for
 * the service or for the bare endpoint that answers a constant.
 *
 * <p>With {@code measuredPids} (one or several, comma-separated: the nodes of a cluster), it also reports
 * the CPU those processes used together per request, and how busy each core was, over exactly the
 * measured seconds: on two cores the load tool (and Redis beside it) can be what runs out first, and then
 * the requests per second say more about the tool's core than about the measured processes. The CPU per
 * request is their cost either way. {@code --url} may list several nodes (each takes acks in turn), and
 * {@code --owner=routed} sends each ack to its user's owner instead.
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
        final LongFunction<String> owner = Owners.router(options);
        final AtomicLong completed = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final long measureFrom = System.nanoTime() + warmupS * 1_000_000_000L;
        final long end = measureFrom + durationS * 1_000_000_000L;
        final List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < options.integer("concurrency", 128); lane++)
        {
            lanes.add(lane(http, owner, workload, new SplittableRandom(lane), measureFrom, end, completed, errors));
        }
        final long[] measuredPids = Arrays.stream(options.text("measuredPids", options.text("measuredPid", "")).split(","))
            .filter(pid -> !pid.isBlank()).mapToLong(pid -> Long.parseLong(pid.trim())).toArray();
        final Window window = new Window(measuredPids);
        vertx.setTimer(Math.max(1, (measureFrom - System.nanoTime()) / 1_000_000), id -> window.open(completed.get()));
        Future.all(lanes).toCompletionStage().toCompletableFuture().get();
        // The last lanes end with the measured window: closing it here counts their last milliseconds too.
        window.close(completed.get());
        System.out.printf("%s: %.0f acks/s at saturation (%d in %d s, %d errors)%s%n", options.text("label", "saturate"),
            completed.get() / (double)durationS, completed.get(), durationS, errors.get(),
            measuredPids.length == 0 ? "" : "; " + window);
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /** One lane: the next ack starts when the last one answered; a promise marks the lane's end. */
    private static Future<Void> lane(final Http http, final LongFunction<String> owner, final Workload workload, final SplittableRandom random,
        final long measureFrom, final long end, final AtomicLong completed, final AtomicLong errors)
    {
        final Promise<Void> done = Promise.promise();
        next(http, owner, workload, random, measureFrom, end, completed, errors, done);
        return done.future();
    }

    private static void next(final Http http, final LongFunction<String> owner, final Workload workload, final SplittableRandom random, final long measureFrom,
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
        final long userId = Workload.userId(user);
        http.sendTo(owner == null ? null : owner.apply(userId), HttpMethod.POST, "/v1/users/" + userId + "/channels/" + channel + "/ack",
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
            next(http, owner, workload, random, measureFrom, end, completed, errors, done);
        });
    }

    /** The measured processes' CPU and the cores' busy time between two moments, from /proc. */
    private static final class Window
    {
        private final long[] pids;
        private long ticks;
        private long[][] cores;
        private long requests;
        private String result = "";

        Window(final long[] pids)
        {
            this.pids = pids;
        }

        private long processTicks()
        {
            long sum = 0;
            for (final long pid : pids)
            {
                sum += CpuAccount.processTicks(pid);
            }
            return sum;
        }

        void open(final long requestsSoFar)
        {
            ticks = processTicks();
            cores = CpuAccount.coreTicks();
            requests = requestsSoFar;
        }

        void close(final long requestsSoFar)
        {
            final long used = processTicks() - ticks;
            final long[][] now = CpuAccount.coreTicks();
            final long answered = requestsSoFar - requests;
            final StringBuilder text = new StringBuilder(String.format("CPU per request %.1f us", answered == 0 ? 0 :
                used / CpuAccount.TICKS_PER_SECOND * 1e6 / answered));
            for (int core = 0; core < Math.min(now.length, cores.length); core++)
            {
                final long all = now[core][1] - cores[core][1];
                text.append(String.format(", core %d busy %.0f%%", core, all == 0 ? 0 : 100.0 * (now[core][0] - cores[core][0]) / all));
            }
            result = text.toString();
        }

        @Override
        public String toString()
        {
            return result;
        }
    }
}
