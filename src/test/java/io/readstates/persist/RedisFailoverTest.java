package io.readstates.persist;

import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedisCluster;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Redis Cluster of three masters with a replica each loses a master (SIGKILL) under a steady stream of
 * durable acks, with the service waiting for one replica. Replication is asynchronous: without that wait,
 * a write the master confirmed but had not yet sent to its replica is gone once the replica takes over.
 * With it, every ack answered 200 is in Redis after the failover. While the promoted replica has no
 * replica of its own, durable acks are answered 503 {@code not_confirmed} (made, and may be retried),
 * until the old master comes back as its replica.
 */
class RedisFailoverTest
{
    private static final int USERS = 30;

    @Test
    void shouldKeepEveryDurableAckThroughTheFailoverOfAMaster() throws Exception
    {
        try (TestRedisCluster redis = new TestRedisCluster(3, 1);
             RunningService service = RunningService.start(redis, Map.of(
                 "READSTATES_DURABLE_WRITES", "true", "READSTATES_DURABLE_REPLICAS", "1")))
        {
            final Api api = service.api();
            // Each ack to a channel of its own: no later ack can hide the loss of an earlier one.
            final Map<Long, Long> acked = new ConcurrentHashMap<>();
            final AtomicLong notConfirmed = new AtomicLong();
            final Map<String, Integer> otherAnswers = new ConcurrentHashMap<>();
            final AtomicBoolean running = new AtomicBoolean(true);
            final Thread writer = new Thread(() ->
            {
                for (long channel = 1; running.get(); channel++)
                {
                    final long user = 1 + channel % USERS;
                    final Api.Reply reply = api.post("/v1/users/" + user + "/channels/" + channel + "/ack", "{\"messageId\":" + channel + "}");
                    if (reply.status() == 200)
                    {
                        acked.put(channel, user);
                    }
                    else if (reply.status() == 503 && "not_confirmed".equals(reply.json().getString("error")))
                    {
                        notConfirmed.incrementAndGet();
                    }
                    else
                    {
                        otherAnswers.merge(reply.status() + " " + reply.body(), 1, Integer::sum);
                    }
                }
            }, "durable-acks");
            writer.start();
            try
            {
                Await.until("durable acks being confirmed", 20_000, () -> acked.size() > 200);
                final String victim = RedisLayout.userKey(1);
                final int killed = redis.killMasterOf(victim);
                redis.awaitFailover(victim);
                // The promoted replica has no replica of its own: nothing can be confirmed as replicated.
                final long refusedBefore = notConfirmed.get();
                Await.until("durable acks refused while a master has no replica", 20_000,
                    () -> notConfirmed.get() > refusedBefore + 3);
                redis.restart(killed);
                final int afterRestart = acked.size();
                Await.until("durable acks confirmed with the old master back as a replica", 20_000,
                    () -> acked.size() > afterRestart + 100);
            }
            finally
            {
                running.set(false);
                writer.join();
            }

            long missing = 0;
            for (final Map.Entry<Long, Long> ack : acked.entrySet())
            {
                final String stored = redis.hash(RedisLayout.userKey(ack.getValue())).get(String.valueOf(ack.getKey()));
                if (stored == null || RedisLayout.decode(stored).lastReadMessageId() != ack.getKey())
                {
                    missing++;
                }
            }
            assertEquals(0, missing, "durable acks answered 200 and not in Redis, of " + acked.size() +
                " (" + notConfirmed + " answered 503 not_confirmed)");
            assertEquals(Map.of(), otherAnswers, "answers other than 200 or 503 not_confirmed");
            assertEquals(USERS, acked.values().stream().distinct().count(), "every user was acked");
        }
    }
}
