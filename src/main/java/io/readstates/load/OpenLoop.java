package io.readstates.load;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * A constant offered rate: request i is due at start + i / rate, and its latency is measured from that
 * moment, not from when it was actually sent, so a stall of the service (or of this tool) shows up as
 * latency instead of silently lowering the rate (no coordinated omission).
 *
 * <p>The mix is a share each of acks, reads of all read states, messages with a mention, and badge
 * reads; users are Zipfian, with a share of cold users that are not resident.
 */
final class OpenLoop
{
    private final Options options;

    OpenLoop(final Options options)
    {
        this.options = options;
    }

    void run() throws Exception
    {
        final double rate = options.decimal("rate", 5000);
        final int warmupS = options.integer("warmup", 30);
        final int durationS = options.integer("duration", 300);
        final String[] mix = options.text("mix", "ack=40,read=40,message=10,badges=10").split(",");
        final int[] shares = new int[4];
        for (final String part : mix)
        {
            final String[] kv = part.split("=");
            shares[indexOf(kv[0])] = Integer.parseInt(kv[1]);
        }
        final int totalShare = shares[0] + shares[1] + shares[2] + shares[3];
        final Workload workload = new Workload(options);
        final Path out = Path.of(options.text("out", "."));
        final String label = options.text("label", "run");
        final Recorder recorder = new Recorder(out.resolve(label + "-timeline.csv"));

        final Vertx vertx = LoadTool.vertx();
        final Http http = new Http(vertx, options);
        final SplittableRandom random = new SplittableRandom(options.integer("seed", 1));
        final long start = System.nanoTime();
        final long measureFrom = start + warmupS * 1_000_000_000L;
        final long end = measureFrom + durationS * 1_000_000_000L;
        final double nanosPerRequest = 1e9 / rate;
        final CountDownLatch done = new CountDownLatch(1);
        final long[] sent = {0};
        final long[] messageIds = {Workload.MESSAGE_BASE + System.currentTimeMillis() * 1000};
        final long[] nextTick = {measureFrom + 1_000_000_000L};

        vertx.runOnContext(v -> vertx.setPeriodic(1, id ->
        {
            final long now = System.nanoTime();
            while (now >= nextTick[0] && nextTick[0] <= end)
            {
                recorder.tick();
                nextTick[0] += 1_000_000_000L;
            }
            if (now >= end)
            {
                vertx.cancelTimer(id);
                vertx.setTimer(2_000, t -> done.countDown());
                return;
            }
            while (start + (long)(sent[0] * nanosPerRequest) <= now)
            {
                final long intended = start + (long)(sent[0] * nanosPerRequest);
                sent[0]++;
                final int user = workload.user(random);
                final long userId = Workload.userId(user);
                final long channelId = workload.channelId(user, random.nextInt(workload.channelsPerUser));
                final int pick = random.nextInt(totalShare);
                final long message = ++messageIds[0];
                final io.vertx.core.Future<Integer> answer;
                if (pick < shares[0])
                {
                    answer = http.send(HttpMethod.POST, "/v1/users/" + userId + "/channels/" + channelId + "/ack",
                        "{\"messageId\":\"" + Long.toUnsignedString(message) + "\"}");
                }
                else if (pick < shares[0] + shares[1])
                {
                    answer = http.send(HttpMethod.GET, "/v1/users/" + userId + "/read-states", null);
                }
                else if (pick < shares[0] + shares[1] + shares[2])
                {
                    final long mentioned = Workload.userId(workload.user(random));
                    answer = http.send(HttpMethod.POST, "/v1/messages", "{\"channelId\":\"" + channelId + "\",\"messageId\":\"" +
                        Long.toUnsignedString(message) + "\",\"authorId\":\"" + userId + "\",\"guildId\":\"" +
                        Workload.guildId(channelId) + "\",\"mentions\":[\"" + mentioned + "\"]}");
                }
                else
                {
                    answer = http.send(HttpMethod.GET, "/v1/users/" + userId + "/badges", null);
                }
                answer.onComplete(ar ->
                {
                    if (intended >= measureFrom && intended < end)
                    {
                        recorder.record((System.nanoTime() - intended) / 1000, ar.succeeded() && ar.result() < 300);
                    }
                });
            }
        }));
        done.await();
        recorder.summary(System.out, label, durationS);
        recorder.total().outputPercentileDistribution(
            new java.io.PrintStream(out.resolve(label + "-percentiles.txt").toFile()), 1.0);
        recorder.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private static int indexOf(final String op)
    {
        switch (op)
        {
            case "ack":
                return 0;
            case "read":
                return 1;
            case "message":
                return 2;
            case "badges":
                return 3;
            default:
                throw new IllegalArgumentException("unknown op in --mix: " + op + " (ack, read, message, badges)");
        }
    }
}
