package io.readstates.persist;

import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.RedisFixture;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedisCluster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis (one server, or every node of a Redis Cluster) goes away for several seconds under a steady
 * stream of acks, then comes back on the same data.
 * Resident users keep being answered, a user that would need loading gets 503 (never an empty list),
 * and afterwards every acknowledged ack is in Redis.
 */
class RedisOutageTest
{
    private static final int USERS = 20;
    private static final int CHANNELS = 5;

    @ParameterizedTest(name = "on {0}")
    @EnumSource(RedisFixture.Kind.class)
    void shouldLoseNoAcknowledgedAckWhileRedisIsDown(final RedisFixture.Kind kind) throws Exception
    {
        try (RedisFixture redis = kind.start(); RunningService service = RunningService.start(redis))
        {
            final Api api = service.api();
            final Map<String, Long> acked = new ConcurrentHashMap<>();
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong accepted = new AtomicLong();
            final AtomicLong acceptedWhileDown = new AtomicLong();
            final AtomicBoolean down = new AtomicBoolean();
            final Thread writer = new Thread(() ->
            {
                long message = 1;
                while (running.get())
                {
                    final long user = 1 + message % USERS;
                    final long channel = 1 + (message / USERS) % CHANNELS;
                    final Api.Reply reply = api.post("/v1/users/" + user + "/channels/" + channel + "/ack",
                        "{\"messageId\":" + message + "}");
                    if (reply.status() == 200)
                    {
                        acked.merge(user + "/" + channel, message, Math::max);
                        accepted.incrementAndGet();
                        if (down.get())
                        {
                            acceptedWhileDown.incrementAndGet();
                        }
                    }
                    message++;
                }
            });
            writer.start();
            Await.until("acks being accepted", 10_000, () -> accepted.get() > 100);

            redis.stop();
            down.set(true);
            Await.until("acks being accepted with Redis down", 10_000, () -> acceptedWhileDown.get() > 100);
            final Api.Reply resident = api.get("/v1/users/1/read-states");
            assertEquals(200, resident.status(), "a resident user is answered from memory: " + resident);
            final Api.Reply missing = api.get("/v1/users/999999/read-states");
            assertEquals(503, missing.status(), "a user that would need loading: " + missing);
            assertEquals("redis_unavailable", missing.json().getString("error"));
            assertEquals("1", missing.retryAfter());
            final Api.Reply missingBadges = api.get("/v1/users/999999/badges");
            assertEquals(503, missingBadges.status(), missingBadges::toString);
            down.set(false);
            redis.start();
            final long acceptedBeforeRestart = accepted.get();
            Await.until("acks being accepted with Redis back", 10_000, () -> accepted.get() > acceptedBeforeRestart + 100);
            running.set(false);
            writer.join();
            assertTrue(acceptedWhileDown.get() > 100, "acks kept being accepted during the outage: " + acceptedWhileDown);

            Await.value("every acknowledged ack in Redis, out of " + accepted.get(), 20_000,
                () -> countMissing(redis, acked), count -> count == 0);
            if (redis instanceof TestRedisCluster cluster)
            {
                final List<Long> keys = cluster.keysPerNode();
                assertTrue(keys.stream().allMatch(count -> count > 0), "the users are spread over every node: " + keys);
            }
        }
    }

    private static int countMissing(final RedisFixture redis, final Map<String, Long> acked)
    {
        int missing = 0;
        for (final Map.Entry<String, Long> e : acked.entrySet())
        {
            final String[] key = e.getKey().split("/");
            final String stored = redis.hashOrFail(RedisLayout.userKey(Long.parseUnsignedLong(key[0]))).get(key[1]);
            if (stored == null || RedisLayout.decode(stored).lastReadMessageId() < e.getValue())
            {
                missing++;
            }
        }
        return missing;
    }
}
