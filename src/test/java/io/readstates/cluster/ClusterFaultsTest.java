package io.readstates.cluster;

import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.Scrape;
import io.readstates.support.RedisFixture;
import io.readstates.support.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a cluster does when members go: one at a time on purpose (a rolling restart), killed, or paused
 * past the failure timeout and then woken up. Each node is its own JVM; the figures each test prints
 * are quoted in docs/benchmarks.md.
 */
class ClusterFaultsTest
{
    private static final int USERS = 200;
    private static final long FLUSH_INTERVAL_MS = 50;

    @Test
    void rollingRestartShouldLoseNoAcknowledgedAck() throws Exception
    {
        try (TestCluster cluster = TestCluster.start(3, Map.of()))
        {
            final AckStream acks = new AckStream(cluster, USERS, 2);
            try
            {
                Thread.sleep(1_000);
                final List<String> owners = owners(cluster.awaitServing(0, 3, 60_000));
                for (int node = 0; node < 3; node++)
                {
                    final long began = System.currentTimeMillis();
                    final String address = cluster.api(node).get("/v1/cluster").json().getJsonObject("node").getString("address");
                    acks.avoid(node);
                    assertEquals(0, cluster.node(node).terminate(), "a clean stop, every change written");
                    final List<String> without = owners(cluster.awaitServing((node + 1) % 3, 2, 60_000));
                    int moved = 0;
                    int own = 0;
                    for (int slot = 0; slot < owners.size(); slot++)
                    {
                        moved += owners.get(slot).equals(without.get(slot)) ? 0 : 1;
                        own += owners.get(slot).equals(address) ? 1 : 0;
                    }
                    cluster.restart(node);
                    cluster.awaitServing(node, 3, 60_000);
                    final List<String> after = owners(cluster.awaitServing((node + 1) % 3, 3, 60_000));
                    int movedBack = 0;
                    for (int slot = 0; slot < owners.size(); slot++)
                    {
                        movedBack += owners.get(slot).equals(after.get(slot)) ? 0 : 1;
                    }
                    System.out.printf("rolling restart: node %d stopped, started and serving again in %d ms; slots moved " +
                        "while it was away %d (it owned %d), owned elsewhere once it was back %d%n", node,
                        System.currentTimeMillis() - began, moved, own, movedBack);
                    assertEquals(own, moved, "only the stopped node's slots move while it is away");
                    assertEquals(0, movedBack, "the restarted node takes back exactly its own slots");
                    acks.use(node);
                    Thread.sleep(500);
                }
            }
            finally
            {
                acks.close();
            }
            final List<AckStream.Acked> missing = acks.missing(0);
            System.out.printf("rolling restart: %d acks acknowledged, %d missing, %d answered 503 (in %d distinct seconds), " +
                "%d connections refused%n", acks.acked().size(), missing.size(), acks.refused(), acks.refusalSeconds(),
                acks.failedConnections());
            assertTrue(acks.acked().size() > 100, "the stream kept going: " + acks.acked().size());
            assertEquals(List.of(), missing, "every acknowledged ack survives the restarts");
        }
    }

    @Test
    void killedNodeShouldBeReplacedWithinTheFailureTimeoutLosingOnlyUnflushedAcks() throws Exception
    {
        try (TestCluster cluster = TestCluster.start(3, Map.of()))
        {
            final AckStream acks = new AckStream(cluster, USERS, 2);
            final long killedAt;
            final long recoveredAt;
            try
            {
                Thread.sleep(2_000);
                acks.avoid(2);
                cluster.node(2).kill();
                killedAt = System.currentTimeMillis();
                // Waits longer than the bound, so that a miss is reported with its time.
                final long[] answeredAt = new long[USERS + 1];
                final Api probe = cluster.api(0);
                recoveredAt = Await.value("every user answered again", TestCluster.FAILURE_TIMEOUT_MS + 30_000,
                    () -> lastToAnswer(probe, answeredAt), at -> at > 0);
                Thread.sleep(1_000);
            }
            finally
            {
                acks.close();
            }
            final List<AckStream.Acked> missing = acks.missing(0);
            long oldest = 0;
            for (final AckStream.Acked ack : missing)
            {
                oldest = Math.max(oldest, killedAt - ack.answeredAtMs());
            }
            System.out.printf("SIGKILL: users answered again %d ms after the kill (failure timeout %d ms); %d acks " +
                "acknowledged, %d lost, the oldest answered %d ms before the kill; %d answered 503 (in %d distinct seconds)%n",
                recoveredAt - killedAt, TestCluster.FAILURE_TIMEOUT_MS, acks.acked().size(), missing.size(), oldest,
                acks.refused(), acks.refusalSeconds());
            assertTrue(recoveredAt - killedAt <= TestCluster.FAILURE_TIMEOUT_MS + 5_000,
                "users answered again " + (recoveredAt - killedAt) + " ms after the kill");
            // A lost ack was answered by the dead node, and waited at most one flush interval (and the
            // write in flight) before it would have been written.
            assertTrue(oldest <= FLUSH_INTERVAL_MS + 250, "lost acks older than a flush interval: " + missing);
        }
    }

    /** @return the address of each slot's owner, in the order of the slot map */
    private static List<String> owners(final JsonObject view)
    {
        final List<String> owners = new ArrayList<>();
        view.getJsonArray("slotMap").forEach(slot -> owners.add(((JsonObject)slot).getString("owner")));
        return owners;
    }

    /**
     * Asks, all at once, for every user that has not answered since the kill, noting when each first does.
     * (Asked one after the other, each answer checked against the OpenAPI document, a round took seconds,
     * and its length was counted as recovery: 4.2 s measured for a hand-over done 1.1 s after the kill,
     * and 10.1 s in one CI run.)
     *
     * @return when the last of them first answered, once all have; 0 until then
     */
    private static long lastToAnswer(final Api api, final long[] answeredAt)
    {
        final List<CompletableFuture<?>> round = new ArrayList<>();
        for (int u = 1; u <= USERS; u++)
        {
            if (answeredAt[u] == 0)
            {
                final int user = u;
                round.add(api.statusOf("/v1/users/" + user + "/badges")
                    .thenAccept(status ->
                    {
                        if (status == 200)
                        {
                            answeredAt[user] = System.currentTimeMillis();
                        }
                    })
                    .exceptionally(noAnswer -> null));  // asked again next round
            }
        }
        // Joining the round publishes what its answers wrote.
        CompletableFuture.allOf(round.toArray(CompletableFuture[]::new)).join();
        long last = 0;
        for (int u = 1; u <= USERS; u++)
        {
            if (answeredAt[u] == 0)
            {
                return 0;
            }
            last = Math.max(last, answeredAt[u]);
        }
        return last;
    }

    @ParameterizedTest(name = "on {0}")
    @EnumSource(RedisFixture.Kind.class)
    void pausedNodeShouldNeverOverwriteWhatTheNewOwnerWrote(final RedisFixture.Kind redis) throws Exception
    {
        // The paused node's flush interval (60 s, from its start) is longer than the test keeps it running
        // and asleep, so its acks are still unwritten when it stops: only losing its slots on waking makes
        // it write them, with its old epoch. (With a short interval, a flush could land between the acks
        // and the pause, and there would be nothing stale to refuse.)
        try (TestCluster cluster = TestCluster.start(redis, List.of(Map.of(), Map.of(),
            Map.of("READSTATES_FLUSH_INTERVAL_MS", "60000"))))
        {
            final List<Long> ofNode2 = cluster.usersOwnedBy(2, 20);
            for (final long user : ofNode2)
            {
                assertEquals(200, cluster.api(2).post("/v1/users/" + user + "/channels/7/ack", "{\"messageId\":\"1000\"}").status());
            }
            cluster.node(2).signal("STOP");
            cluster.awaitServing(0, 2, TestCluster.FAILURE_TIMEOUT_MS + 30_000);
            for (final long user : ofNode2)
            {
                final Api.Reply reply = cluster.api(0).post("/v1/users/" + user + "/channels/7/ack",
                    "{\"messageId\":\"10\",\"manual\":true,\"mentionCount\":3}");
                assertEquals(200, reply.status(), reply::toString);
            }
            Await.until("the new owners' writes in Redis", 15_000, () -> allStored(cluster, ofNode2, "10:3:"));

            cluster.node(2).signal("CONT");
            Await.until("the woken node to try its stale writes, and be refused", 30_000,
                () -> fencedWrites(cluster.api(2)) >= ofNode2.size());
            assertTrue(allStored(cluster, ofNode2, "10:3:"), "Redis still holds the new owners' values");

            cluster.awaitServing(2, 3, 90_000);
            for (final long user : ofNode2)
            {
                // A slot just taken back may still answer 503 with Retry-After for a moment; then it answers.
                final Api.Reply reply = Await.value("node 2 to answer user " + user, 10_000,
                    () -> cluster.api(2).get("/v1/users/" + user + "/channels/7/read-state"), r -> r.status() != 503);
                final JsonObject state = reply.json();
                assertEquals("10", state.getString("lastMessageId"), "node 2 answers the new owners' state for " + user + ": " + reply);
                assertEquals(3, state.getInteger("mentionCount"));
            }
        }
    }

    @Test
    void pausedOwnerShouldAnswerNothingFromMemoryOnceItWakes() throws Exception
    {
        try (TestCluster cluster = TestCluster.start(3, Map.of()))
        {
            final List<Long> ofNode2 = cluster.usersOwnedBy(2, 20);
            for (final long user : ofNode2)
            {
                assertEquals(200, cluster.api(2).post("/v1/users/" + user + "/channels/8/ack", "{\"messageId\":\"1000\"}").status(),
                    "the user is resident on its owner");
            }
            cluster.node(2).signal("STOP");
            final Api paused = cluster.api(2).withTimeout(java.time.Duration.ofSeconds(90));
            final List<CompletableFuture<Integer>> queued = new ArrayList<>();
            for (final long user : ofNode2)
            {
                queued.add(paused.statusOfPost("/v1/users/" + user + "/channels/8/ack", "{\"messageId\":\"2000\"}")
                    .exceptionally(noAnswer -> -1));
            }
            try
            {
                cluster.awaitServing(0, 2, TestCluster.FAILURE_TIMEOUT_MS + 30_000);
            }
            catch (final AssertionError split)
            {
                // Seen once: node 0 lost node 1 too. What the members' logs say is the only trace of why.
                cluster.node(2).signal("CONT");
                cluster.printLogsIf(true);
                throw split;
            }
            cluster.node(2).signal("CONT");

            final List<Long> acknowledged = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < ofNode2.size(); i++)
            {
                final int status = queued.get(i).join();
                if (status == 200)
                {
                    acknowledged.add(ofNode2.get(i));
                }
                refused += status == 503 ? 1 : 0;
            }
            System.out.printf("SIGSTOP past the failure timeout: of %d acks queued at the paused owner, %d answered 200, " +
                "%d answered 503%n", ofNode2.size(), acknowledged.size(), refused);
            assertEquals(ofNode2.size(), acknowledged.size() + refused, "every queued ack answered, 200 or 503");
            // An ack answered 200 was taken by a node serving its user under a lease: the new owner, forwarded
            // there by the woken node. None may be lost.
            Await.until("every acknowledged ack in Redis", 15_000, () -> allStored(cluster, acknowledged, "8", "2000:"));
        }
    }

    private static long fencedWrites(final Api api)
    {
        try
        {
            return (long)Scrape.sum(api.get("/metrics").body(), "readstates_fenced_writes_total");
        }
        catch (final IllegalStateException stillAsleep)
        {
            return 0;
        }
    }

    private static boolean allStored(final TestCluster cluster, final List<Long> users, final String prefix)
    {
        return allStored(cluster, users, "7", prefix);
    }

    private static boolean allStored(final TestCluster cluster, final List<Long> users, final String channel, final String prefix)
    {
        for (final long user : users)
        {
            final String value = cluster.redis().hashOrFail(io.readstates.persist.RedisLayout.userKey(user)).get(channel);
            if (value == null || !value.startsWith(prefix))
            {
                return false;
            }
        }
        return true;
    }
}
