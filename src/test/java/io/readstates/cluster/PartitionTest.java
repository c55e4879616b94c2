package io.readstates.cluster;

import io.readstates.ownership.Slots;
import io.readstates.gateway.UserTokens;
import io.readstates.support.Api;
import io.readstates.support.GatewayClient;
import io.readstates.support.NetworkedCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partitions in the manner of Jepsen: three nodes, each in a network namespace of its own, one Redis;
 * acks through random nodes, each to a channel of its own so that no later ack can hide a loss, half of
 * them durable; reads of acknowledged acks through random nodes. Faults, one after the other, each held
 * past the failure timeout, then healed: one node cut off from the others ({0}|{1,2}); one-way loss (node
 * 1 stops hearing node 0); a bridge (nodes 0 and 1 cut from each other, both reach node 2); every node cut
 * from every other (1|1|1); the owner of a user paused (SIGSTOP) and woken; a node killed (SIGKILL) and
 * started again. WebSocket sessions of three users, on different nodes, take the pushes. A soak repeats
 * the six, turning the nodes' roles ({@code -Dreadstates.partition.rounds=N}).
 *
 * <p>Checks: no durable ack acknowledged is lost; a plain ack is lost only if it was answered during a
 * fault, before the flush that would have written it (its node stopped serving the user before then);
 * no read answers less than a durable ack acknowledged before the read was sent; no push of a channel
 * orders before one a session already received (by epoch, then version).
 */
@EnabledIf("io.readstates.support.NetworkedCluster#available")
class PartitionTest
{
    private static final int USERS = 30;
    private static final String SECRET = "a-user-token-secret-of-32-chars-or-more";
    /** Users with a WebSocket session each, on node (user - 1) % 3. */
    private static final int WATCHED_USERS = 3;
    private static final long HOLD_MS = NetworkedCluster.FAILURE_TIMEOUT_MS + 3_000;
    /** Rounds of the six faults: 1 in the default run; the soak asks for more (docs/cluster.md). */
    private static final int ROUNDS = Integer.getInteger("readstates.partition.rounds", 1);

    /** An ack acknowledged: to whom, which channel and message, whether durable, and when it was answered. */
    private record Acked(long user, long channel, long message, boolean durable, long answeredAtMs)
    {
    }

    /** A fault: when it began and when the cluster served every slot again after it was healed. */
    private record Window(String fault, long fromMs, long toMs)
    {
    }

    @Test
    void shouldLoseNoDurableAckAndReadNothingBelowOneThroughPartitionsAndAPause() throws Exception
    {
        final io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        final List<GatewayClient> sessions = new ArrayList<>();
        try (NetworkedCluster cluster = NetworkedCluster.start(3, Map.of("READSTATES_USER_TOKEN_SECRET", SECRET)))
        {
            for (int user = 1; user <= WATCHED_USERS; user++)
            {
                final int node = (user - 1) % cluster.size();
                sessions.add(GatewayClient.identified(cluster.host(node), cluster.node(node).port(),
                    new UserTokens(vertx, SECRET).issue(user, 3_600), new io.vertx.core.http.WebSocketClientOptions()));
            }
            final List<Acked> acked = new CopyOnWriteArrayList<>();
            final List<String> violations = new CopyOnWriteArrayList<>();
            final AtomicInteger refused = new AtomicInteger();
            final AtomicInteger reads = new AtomicInteger();
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong channels = new AtomicLong(1_000);
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++)
            {
                threads.add(new Thread(() -> write(cluster, running, channels, acked, refused), "acks-" + t));
            }
            threads.add(new Thread(() -> read(cluster, running, acked, violations, reads), "reads"));
            threads.forEach(Thread::start);
            final List<Window> windows = new ArrayList<>();
            try
            {
                Thread.sleep(2_000);
                for (int round = 0; round < ROUNDS; round++)
                {
                    // Each round turns the roles, so that every node is in turn the one cut off.
                    final int a = round % 3;
                    final int b = (round + 1) % 3;
                    final int c = (round + 2) % 3;
                    windows.add(hold(cluster, "{" + a + "}|{" + b + "," + c + "}", () ->
                    {
                        cluster.isolate(a, b);
                        cluster.isolate(a, c);
                    }));
                    windows.add(hold(cluster, "one way: " + b + " stops hearing " + a, () -> cluster.cut(a, b)));
                    windows.add(hold(cluster, "bridge: " + a + " and " + b + " cut, both reach " + c, () -> cluster.isolate(a, b)));
                    windows.add(hold(cluster, "1|1|1", () ->
                    {
                        cluster.isolate(a, b);
                        cluster.isolate(a, c);
                        cluster.isolate(b, c);
                    }));
                    final int owner = ownerOf(cluster, 1 + round);
                    final long pausedAt = System.currentTimeMillis();
                    cluster.node(owner).signal("STOP");
                    Thread.sleep(HOLD_MS);
                    cluster.node(owner).signal("CONT");
                    windows.add(new Window("SIGSTOP of node " + owner + ", user " + (1 + round) + "'s owner", pausedAt,
                        settled(cluster)));
                    final long killedAt = System.currentTimeMillis();
                    cluster.node(c).kill();
                    Thread.sleep(HOLD_MS);
                    cluster.restart(c);
                    windows.add(new Window("SIGKILL of node " + c + ", started again", killedAt, settled(cluster)));
                }
                Thread.sleep(2_000);
            }
            finally
            {
                running.set(false);
                for (final Thread thread : threads)
                {
                    thread.join(60_000);
                }
            }
            Thread.sleep(2_000);

            int durable = 0;
            int lostDurable = 0;
            int lostPlain = 0;
            final List<Acked> lostOutsideFaults = new ArrayList<>();
            for (final Acked ack : acked)
            {
                durable += ack.durable() ? 1 : 0;
                final String value = cluster.stored(ack.user()).get(String.valueOf(ack.channel()));
                if (value != null && value.startsWith(ack.message() + ":"))
                {
                    continue;
                }
                if (ack.durable())
                {
                    lostDurable++;
                }
                else
                {
                    lostPlain++;
                    if (windows.stream().noneMatch(w -> ack.answeredAtMs() >= w.fromMs() - 1_000 && ack.answeredAtMs() <= w.toMs()))
                    {
                        lostOutsideFaults.add(ack);
                    }
                }
            }
            final List<String> backwards = new ArrayList<>();
            int pushes = 0;
            for (final GatewayClient session : sessions)
            {
                pushes += checkOrder(session.drain(), backwards);
            }
            System.out.printf("partitions: %d faults %s; %d acks acknowledged (%d durable), %d answered 503; lost: %d durable, " +
                "%d plain (all answered during a fault); %d reads checked, %d below an earlier durable ack; %d pushes to %d " +
                "sessions, %d out of order%n",
                windows.size(), windows.stream().map(w -> w.fault() + " " + (w.toMs() - w.fromMs()) + " ms").toList(),
                acked.size(), durable, refused.get(), lostDurable, lostPlain, reads.get(), violations.size(), pushes,
                sessions.size(), backwards.size());
            assertTrue(durable > 100 && acked.size() - durable > 100, "the acks kept going: " + acked.size());
            assertEquals(0, lostDurable, "no durable ack acknowledged is lost");
            assertEquals(List.of(), lostOutsideFaults, "a plain ack is lost only when answered during a fault");
            assertEquals(List.of(), violations, "no read below a durable ack acknowledged before it was sent");
            assertEquals(List.of(), backwards, "no push orders before one its session already received");
            assertTrue(pushes > 0, "the sessions received pushes");
        }
        finally
        {
            sessions.forEach(GatewayClient::close);
            vertx.close();
        }
    }

    /**
     * @return the number of read_state frames; adds to {@code backwards} each that orders, by (epoch, version),
     * before one of its channel received earlier
     */
    private static int checkOrder(final List<JsonObject> frames, final List<String> backwards)
    {
        final Map<String, long[]> last = new java.util.HashMap<>();
        int count = 0;
        for (final JsonObject frame : frames)
        {
            if (!"read_state".equals(frame.getString("op")))
            {
                continue;
            }
            count++;
            final long[] order = {frame.getLong("epoch"), frame.getLong("version")};
            final long[] before = last.put(frame.getString("channelId"), order);
            if (before != null && (order[0] < before[0] || order[0] == before[0] && order[1] < before[1]))
            {
                backwards.add(frame + " after epoch " + before[0] + ", version " + before[1]);
            }
        }
        return count;
    }

    private interface Fault
    {
        void inject() throws Exception;
    }

    /** Injects the fault, holds it past the failure timeout, heals it, and waits until every slot is served again. */
    private static Window hold(final NetworkedCluster cluster, final String name, final Fault fault) throws Exception
    {
        final long from = System.currentTimeMillis();
        fault.inject();
        Thread.sleep(HOLD_MS);
        cluster.heal();
        return new Window(name, from, settled(cluster));
    }

    /** @return when every node saw the three members serving every slot again */
    private static long settled(final NetworkedCluster cluster)
    {
        for (int i = 0; i < cluster.size(); i++)
        {
            cluster.awaitServing(i, cluster.size(), 120_000);
        }
        return System.currentTimeMillis();
    }

    private static int ownerOf(final NetworkedCluster cluster, final long user)
    {
        final JsonObject view = cluster.api(0).get("/v1/cluster").json();
        final String owner = view.getJsonArray("slotMap").getJsonObject(Slots.of(user)).getString("owner");
        for (int i = 0; i < cluster.size(); i++)
        {
            if (cluster.api(i).get("/v1/cluster").json().getJsonObject("node").getString("address").equals(owner))
            {
                return i;
            }
        }
        throw new AssertionError("no node answers at " + owner);
    }

    /** Acks, through random nodes, each to a channel of its own; half durable. */
    private static void write(final NetworkedCluster cluster, final AtomicBoolean running, final AtomicLong channels,
        final List<Acked> acked, final AtomicInteger refused)
    {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get())
        {
            final long user = 1 + random.nextInt(USERS);
            final long channel = channels.incrementAndGet();
            final long message = channel * 10;
            final boolean durable = channel % 2 == 0;
            final Api api = cluster.api(random.nextInt(cluster.size())).withTimeout(java.time.Duration.ofSeconds(10));
            try
            {
                final Api.Reply reply = api.post("/v1/users/" + user + "/channels/" + channel + "/ack" +
                    (durable ? "?durable=true" : ""), "{\"messageId\":\"" + message + "\"}");
                if (reply.status() == 200)
                {
                    acked.add(new Acked(user, channel, message, durable, System.currentTimeMillis()));
                }
                else
                {
                    refused.incrementAndGet();
                }
            }
            catch (final IllegalStateException noAnswer)
            {
                refused.incrementAndGet();
            }
        }
    }

    /** Reads durable acks acknowledged before each read is sent, through random nodes. */
    private static void read(final NetworkedCluster cluster, final AtomicBoolean running, final List<Acked> acked,
        final List<String> violations, final AtomicInteger reads)
    {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get())
        {
            if (acked.isEmpty())
            {
                Thread.onSpinWait();
                continue;
            }
            final Acked ack = acked.get(random.nextInt(acked.size()));
            if (!ack.durable())
            {
                continue;
            }
            final int node = random.nextInt(cluster.size());
            try
            {
                final Api.Reply reply = cluster.api(node).withTimeout(java.time.Duration.ofSeconds(10))
                    .get("/v1/users/" + ack.user() + "/channels/" + ack.channel() + "/read-state");
                reads.incrementAndGet();
                if (reply.status() == 200 && Long.parseUnsignedLong(reply.json().getString("lastMessageId")) < ack.message() ||
                    reply.status() == 404)
                {
                    violations.add("node " + node + " answered " + reply + " after " + ack);
                }
            }
            catch (final IllegalStateException noAnswer)
            {
                // Not an answer: nothing to check.
            }
        }
    }
}
