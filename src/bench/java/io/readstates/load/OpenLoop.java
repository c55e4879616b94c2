package io.readstates.load;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A constant offered rate (see {@link ConstantRate}), latency measured from each request's due time.
 *
 * <p>The mix is a share each of acks, reads of all read states, messages with a mention of another
 * member of the channel, badge reads, and durable acks ({@code durable=true}: answered once Redis confirmed
 * them); users are Zipfian, with a share of cold users that are not resident.
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
        final int[] shares = new int[5];
        for (final String part : mix)
        {
            final String[] kv = part.split("=");
            shares[indexOf(kv[0])] = Integer.parseInt(kv[1]);
        }
        final int totalShare = shares[0] + shares[1] + shares[2] + shares[3] + shares[4];
        final Workload workload = new Workload(options);
        final java.util.function.LongPredicate wanted = Owners.filter(options);
        final java.util.function.LongFunction<String> owner = Owners.router(options);
        final Path out = Path.of(options.text("out", "."));
        final String label = options.text("label", "run");
        // Kind 2 * op + 1 for a cold user's request, which the service may have to load from Redis first.
        final Recorder recorder = new Recorder(out.resolve(label + "-timeline.csv"), options)
            .byKind("ack hot", "ack cold", "read hot", "read cold", "message hot", "message cold", "badges hot", "badges cold",
                "durable ack hot", "durable ack cold");

        final Vertx vertx = LoadTool.vertx();
        final Http http = new Http(vertx, options);
        final SplittableRandom random = new SplittableRandom(options.integer("seed", 1));
        final long start = System.nanoTime();
        final long measureFrom = start + warmupS * 1_000_000_000L;
        final long end = measureFrom + durationS * 1_000_000_000L;
        final long[] messageIds = {Workload.MESSAGE_BASE + System.currentTimeMillis() * 1000};
        ConstantRate.drive(vertx, rate, start, measureFrom, end, recorder, (intended, index) ->
        {
            int user = workload.user(random);
            while (!wanted.test(Workload.userId(user)))
            {
                user = workload.user(random);
            }
            final long userId = Workload.userId(user);
            final String address = owner == null ? null : owner.apply(userId);
            final long channelId = workload.channelId(user, random.nextInt(workload.channelsPerUser));
            final int pick = random.nextInt(totalShare);
            int op = 0;
            for (int below = shares[0]; pick >= below; below += shares[op])
            {
                op++;
            }
            final int kind = 2 * op + (user >= workload.hotUsers ? 1 : 0);
            final long message = ++messageIds[0];
            final io.vertx.core.Future<Integer> answer;
            if (op == 0)
            {
                answer = http.sendTo(address, HttpMethod.POST, "/v1/users/" + userId + "/channels/" + channelId + "/ack",
                    "{\"messageId\":\"" + Long.toUnsignedString(message) + "\"}");
            }
            else if (op == 1)
            {
                answer = http.sendTo(address, HttpMethod.GET, "/v1/users/" + userId + "/read-states", null);
            }
            else if (op == 2)
            {
                final long mentioned = Workload.userId(workload.member(channelId, user, random));
                answer = http.sendTo(address, HttpMethod.POST, "/v1/messages", "{\"channelId\":\"" + channelId + "\",\"messageId\":\"" +
                    Long.toUnsignedString(message) + "\",\"authorId\":\"" + userId + "\",\"guildId\":\"" +
                    Workload.guildId(channelId) + "\",\"mentions\":[\"" + mentioned + "\"]}");
            }
            else if (op == 3)
            {
                answer = http.sendTo(address, HttpMethod.GET, "/v1/users/" + userId + "/badges", null);
            }
            else
            {
                answer = http.sendTo(address, HttpMethod.POST, "/v1/users/" + userId + "/channels/" + channelId + "/ack?durable=true",
                    "{\"messageId\":\"" + Long.toUnsignedString(message) + "\"}");
            }
            answer.onComplete(ar ->
            {
                if (intended >= measureFrom && intended < end)
                {
                    recorder.record((System.nanoTime() - intended) / 1000, ar, kind);
                }
            });
        });
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
            case "durable":
                return 4;
            default:
                throw new IllegalArgumentException("unknown op in --mix: " + op + " (ack, read, message, badges, durable)");
        }
    }
}
