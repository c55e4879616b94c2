package io.readstates.load;

import io.readstates.gateway.UserTokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;

/**
 * The WebSocket scenario: {@code sockets} identified clients, one user each, each with a read state on
 * one channel; messages mentioning one of them at a constant rate. Latency runs from each message's
 * intended send time to the {@code badges} frame at its user's client.
 */
final class GatewayLoad
{
    private static final long USER_OFFSET = 50_000_000L;
    private static final long CHANNEL_OFFSET = 500_000L;
    private static final String READY = "\"op\":\"ready\"";
    private static final String BADGES = "\"op\":\"badges\"";
    private static final String ERROR = "\"op\":\"error\"";
    /** How long every socket has to be identified, refused or closed before the run is abandoned. */
    private static final int IDENTIFY_TIMEOUT_S = 120;

    private final Options options;

    GatewayLoad(final Options options)
    {
        this.options = options;
    }

    void run() throws Exception
    {
        final int sockets = options.integer("sockets", 10_000);
        final double rate = options.decimal("rate", 5000);
        final int warmupS = options.integer("warmup", 10);
        final int durationS = options.integer("duration", 60);
        final Path out = Path.of(options.text("out", "."));
        final String label = options.text("label", "gateway");
        final URI url = URI.create(options.text("url", "http://127.0.0.1:8080"));
        final Vertx vertx = LoadTool.vertx();
        final Http http = new Http(vertx, options);
        final UserTokens tokens = new UserTokens(vertx, options.text("secret", System.getenv().getOrDefault("READSTATES_USER_TOKEN_SECRET", "")));

        final AtomicInteger next = new AtomicInteger();
        final List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < 64; lane++)
        {
            final Promise<Void> done = Promise.promise();
            seed(http, sockets, next, done);
            lanes.add(done.future());
        }
        Future.all(lanes).toCompletionStage().toCompletableFuture().get();

        final Recorder recorder = new Recorder(out.resolve(label + "-timeline.csv"), options);
        final long[] pendingSince = new long[sockets];
        final long[] measureFrom = {Long.MAX_VALUE};
        final long[] end = {Long.MAX_VALUE};
        final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(sockets + 10));
        final AtomicInteger ready = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger unconnected = new AtomicInteger();
        // Each socket settles once: identified, refused, closed or never connected. Waiting for ready frames
        // alone hung the tool for good when a slow service refused or dropped a few sockets.
        final AtomicIntegerArray settled = new AtomicIntegerArray(sockets);
        final CountDownLatch allSettled = new CountDownLatch(sockets);
        final IntConsumer settle = index ->
        {
            if (settled.compareAndSet(index, 0, 1))
            {
                allSettled.countDown();
            }
        };
        for (int i = 0; i < sockets; i++)
        {
            final int index = i;
            final String token = tokens.issue(userId(i), durationS + warmupS + 600);
            vertx.runOnContext(v -> client.connect(url.getPort(), url.getHost(), "/v1/gateway").onSuccess(socket ->
            {
                socket.textMessageHandler(text ->
                {
                    // Matched, not parsed: parsing every frame made the tool collect, and its pauses were latency.
                    if (text.contains(READY))
                    {
                        ready.incrementAndGet();
                        settle.accept(index);
                    }
                    else if (text.contains(BADGES) && pendingSince[index] != 0)
                    {
                        final long intended = pendingSince[index];
                        pendingSince[index] = 0;
                        if (intended >= measureFrom[0] && intended < end[0])
                        {
                            recorder.record((System.nanoTime() - intended) / 1000, true);
                        }
                    }
                    else if (text.contains(ERROR) && settled.get(index) == 0)
                    {
                        refused.incrementAndGet();
                        settle.accept(index);
                    }
                });
                socket.closeHandler(closing ->
                {
                    if (settled.get(index) == 0)
                    {
                        closed.incrementAndGet();
                        settle.accept(index);
                    }
                });
                socket.writeTextMessage(new JsonObject().put("op", "identify").put("token", token).encode());
                vertx.setPeriodic(20_000, id -> socket.writeTextMessage("{\"op\":\"ping\"}"));
            }).onFailure(e ->
            {
                unconnected.incrementAndGet();
                settle.accept(index);
            }));
        }
        final boolean allAnswered = allSettled.await(IDENTIFY_TIMEOUT_S, TimeUnit.SECONDS);
        if (ready.get() < sockets)
        {
            // Messages to a socket that is not there would never be answered: the run would not measure what it says.
            System.out.printf("only %d of %d sockets identified: %d refused, %d closed, %d not connected, %d unanswered after %d s%n",
                ready.get(), sockets, refused.get(), closed.get(), unconnected.get(), allAnswered ? 0 : allSettled.getCount(),
                IDENTIFY_TIMEOUT_S);
            throw new IllegalStateException("not every socket was identified");
        }
        System.out.printf("%d of %d sockets identified%n", ready.get(), sockets);

        final SplittableRandom random = new SplittableRandom(7);
        final long start = System.nanoTime();
        measureFrom[0] = start + warmupS * 1_000_000_000L;
        end[0] = measureFrom[0] + durationS * 1_000_000_000L;
        final long[] failed = {0};
        // The tool's own share of the latency, beside the end-to-end figure: how late it sent each message,
        // and when the service's 202 came back. Recorded on the event loop, like the frames, until the freeze.
        final Histogram sendLag = Recorder.latencies();
        final Histogram answered = Recorder.latencies();
        ConstantRate.drive(vertx, rate, start, measureFrom[0], end[0], recorder, (intended, index) ->
        {
            final boolean measured = intended >= measureFrom[0] && intended < end[0];
            if (measured)
            {
                sendLag.recordValue(Recorder.clamp((System.nanoTime() - intended) / 1000));
            }
            final int target = random.nextInt(sockets);
            if (pendingSince[target] == 0)
            {
                pendingSince[target] = intended;
            }
            http.send(HttpMethod.POST, "/v1/messages", "{\"channelId\":\"" + channelId(target) + "\",\"messageId\":\"" +
                Long.toUnsignedString(Workload.MESSAGE_BASE + 10_000_001 + index) + "\",\"authorId\":\"1\",\"guildId\":\"" +
                Workload.GUILD_BASE + "\",\"mentions\":[\"" + userId(target) + "\"]}").onComplete(ar ->
            {
                if (ar.failed() || ar.result() != 202)
                {
                    failed[0]++;
                }
                else if (measured && !recorder.isFrozen())
                {
                    answered.recordValue(Recorder.clamp((System.nanoTime() - intended) / 1000));
                }
            });
        });
        recorder.summary(System.out, label + " (message -> badges frame)", durationS);
        System.out.printf("  %d messages failed%n", failed[0]);
        print("the tool's lag, intended to sent", sendLag);
        print("intended to 202 answered", answered);
        recorder.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private static void print(final String what, final Histogram histogram)
    {
        System.out.printf("  %s, in us: p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n", what, histogram.getValueAtPercentile(50),
            histogram.getValueAtPercentile(90), histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9),
            histogram.getMaxValue());
    }

    private static long userId(final int index)
    {
        return Workload.USER_BASE + USER_OFFSET + index;
    }

    private static long channelId(final int index)
    {
        return Workload.CHANNEL_BASE + CHANNEL_OFFSET + index % 1000;
    }

    /** Gives every user a read state on its channel, so that a message there concerns it. */
    private static void seed(final Http http, final int sockets, final AtomicInteger next, final Promise<Void> done)
    {
        final int index = next.getAndIncrement();
        if (index >= sockets)
        {
            done.complete();
            return;
        }
        http.send(HttpMethod.POST, "/v1/users/" + userId(index) + "/channels/" + channelId(index) + "/ack",
            "{\"messageId\":\"" + Workload.MESSAGE_BASE + "\"}").onComplete(ar -> seed(http, sockets, next, done));
    }
}
