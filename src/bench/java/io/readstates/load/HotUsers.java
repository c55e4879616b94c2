package io.readstates.load;

import io.readstates.persist.RedisCommands;
import io.readstates.persist.RedisConnections;
import io.readstates.persist.RedisLayout;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.HdrHistogram.Histogram;


/**
 * A few users acking many times a second, each always the same channel. Measures how well write-behind
 * coalesces (records Redis wrote, divided by acks) and the flush lag: from an ack's 200 answer to the moment
 * Redis applies a write of that user. Both are seen through Redis keyspace notifications, one per field set.
 */
final class HotUsers
{
    private static final String KEYSPACE_EVENTS = "__keyspace@0__:";

    private final Options options;

    HotUsers(final Options options)
    {
        this.options = options;
    }

    void run() throws Exception
    {
        final int users = options.integer("users", 5);
        final double rate = options.decimal("rate", 2000);
        final int durationS = options.integer("duration", 30);
        final Vertx vertx = LoadTool.vertx();
        final Http http = new Http(vertx, options);
        final String redisUrl = options.text("redis", "redis://127.0.0.1:6379");
        final RedisCommands redis = RedisConnections.create(vertx, redisUrl);
        redis.send(Request.cmd(Command.CONFIG).arg("SET").arg("notify-keyspace-events").arg("Kh"))
            .toCompletionStage().toCompletableFuture().get();
        final long[] pendingSince = new long[users];
        final long[] written = {0};
        final Histogram lag = new Histogram(60_000_000L, 3);
        final RedisConnection subscriber = Redis.createClient(vertx, redisUrl).connect().toCompletionStage().toCompletableFuture().get();
        subscriber.handler(message -> onNotification(message, pendingSince, lag, written));
        subscriber.send(Request.cmd(Command.PSUBSCRIBE).arg(KEYSPACE_EVENTS + RedisLayout.userKeyPattern())).toCompletionStage().toCompletableFuture().get();

        final long[] acks = {0};
        final long start = System.nanoTime();
        final long end = start + durationS * 1_000_000_000L;
        ConstantRate.drive(vertx, rate, start, start, end, null, (intended, index) ->
        {
            final int user = (int)(index % users);
            final long message = Workload.MESSAGE_BASE + index + 1;
            http.send(HttpMethod.POST, "/v1/users/" + Workload.userId(user) + "/channels/" + Workload.CHANNEL_BASE + "/ack",
                "{\"messageId\":\"" + Long.toUnsignedString(message) + "\"}").onSuccess(status ->
            {
                if (status == 200)
                {
                    acks[0]++;
                    if (pendingSince[user] == 0)
                    {
                        pendingSince[user] = System.nanoTime();
                    }
                }
            });
        });
        System.out.printf("hot users: %d users, %d acks in %d s; %d records written to Redis: %.3f writes per ack%n",
            users, acks[0], durationS, written[0], written[0] / (double)Math.max(1, acks[0]));
        System.out.printf("  flush lag ms (ack answered -> Redis applied): p50 %.1f  p99 %.1f  max %.1f  (%d samples)%n",
            lag.getValueAtPercentile(50) / 1000.0, lag.getValueAtPercentile(99) / 1000.0, lag.getMaxValue() / 1000.0,
            lag.getTotalCount());
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /** Runs on the subscriber's event loop, the same one the acks answer on (the tool has one). */
    private static void onNotification(final Response message, final long[] pendingSince, final Histogram lag, final long[] written)
    {
        if (message.size() < 4 || !"pmessage".equals(message.get(0).toString()))
        {
            return;
        }
        final String channel = message.get(2).toString();
        final long userId = RedisLayout.userOfKey(channel);
        final int user = (int)(userId - Workload.USER_BASE);
        if (user >= 0 && user < pendingSince.length && "hset".equals(message.get(3).toString()))
        {
            written[0]++;
        }
        if (user >= 0 && user < pendingSince.length && pendingSince[user] != 0)
        {
            lag.recordValue(Math.max(1, (System.nanoTime() - pendingSince[user]) / 1000));
            pendingSince[user] = 0;
        }
    }
}
