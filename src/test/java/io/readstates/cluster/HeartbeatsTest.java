package io.readstates.cluster;

import io.readstates.ownership.Node;
import io.readstates.ownership.Ownership;
import io.readstates.ownership.Slots;
import io.readstates.support.Await;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Leases: a node serves only while a quorum grants it one; the others give up on a silent node only once
 * its lease has run out; a node given up on takes a new incarnation before it serves again. Three nodes
 * on one Vert.x, their beats over its event bus; a node is silenced by no longer beating nor answering.
 */
class HeartbeatsTest
{
    private static final long FAILURE_TIMEOUT_MS = 800;
    private static final List<String> NAMES = List.of("a", "b", "c");

    private Vertx vertx;
    private final List<Ownership> ownerships = new ArrayList<>();
    private final List<Nodes> nodes = new ArrayList<>();
    private final List<Heartbeats> heartbeats = new ArrayList<>();
    private final List<AtomicInteger> lapses = new ArrayList<>();

    @BeforeEach
    void start()
    {
        vertx = Vertx.vertx();
        final List<Node> all = NAMES.stream().map(name -> new Node(name, name + ":8080")).toList();
        for (final Node self : all)
        {
            final Ownership ownership = Ownership.member(self);
            final Node[] owners = new Node[Slots.COUNT];
            java.util.Arrays.fill(owners, self);
            ownership.update(all, owners, new boolean[Slots.COUNT]);
            final Nodes door = new Nodes(vertx, self.name(), 200);
            door.inbox(null);
            ownerships.add(ownership);
            nodes.add(door);
            heartbeats.add(new Heartbeats(vertx, door, ownership, 2, FAILURE_TIMEOUT_MS));
            lapses.add(new AtomicInteger());
        }
        for (int i = 0; i < NAMES.size(); i++)
        {
            beat(i);
        }
    }

    @AfterEach
    void stop() throws Exception
    {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void beat(final int node)
    {
        final AtomicInteger lapsed = lapses.get(node);
        vertx.runOnContext(v -> heartbeats.get(node).start(lapsed::incrementAndGet));
    }

    private void silence(final int node)
    {
        heartbeats.get(node).stop();
        nodes.get(node).beats(null);
    }

    private boolean leased(final int node)
    {
        return ownerships.get(node).leased();
    }

    @Test
    void shouldLeaseEveryNodeThatAQuorumAnswers() throws Exception
    {
        Await.until("every node leased", 5_000, () -> leased(0) && leased(1) && leased(2));
        Thread.sleep(3 * FAILURE_TIMEOUT_MS);
        assertTrue(leased(0) && leased(1) && leased(2), "leases renewed, beat after beat");
        assertEquals(List.of(0, 0, 0), lapses.stream().map(AtomicInteger::get).toList());
    }

    @Test
    void shouldGiveUpOnASilentNodeOnlyOnceItsLeaseHasRunOut() throws Exception
    {
        Await.until("every node leased", 5_000, () -> leased(0) && leased(1) && leased(2));
        final long incarnation = heartbeats.get(2).incarnation();
        silence(2);
        final long silencedAt = System.nanoTime();
        boolean sawLeaseRunOut = false;
        while (!heartbeats.get(0).givenUp("c", incarnation))
        {
            sawLeaseRunOut |= !leased(2);
            assertTrue(System.nanoTime() - silencedAt < TimeUnit.SECONDS.toNanos(10), "a and b give up on c in time");
            Thread.sleep(2);
        }
        final long givenUpAfterMs = (System.nanoTime() - silencedAt) / 1_000_000;
        assertTrue(sawLeaseRunOut && !leased(2), "c's lease ran out before the others gave up on it");
        assertTrue(givenUpAfterMs >= FAILURE_TIMEOUT_MS, "given up after " + givenUpAfterMs + " ms");
        assertTrue(heartbeats.get(1).givenUp("c", incarnation));
        assertTrue(leased(0) && leased(1), "two of three keep the quorum");
    }

    @Test
    void shouldMakeANodeGivenUpOnLoseItsSlotsAndComeBackUnderANewIncarnation() throws Exception
    {
        Await.until("every node leased", 5_000, () -> leased(0) && leased(1) && leased(2));
        final long incarnation = heartbeats.get(2).incarnation();
        silence(2);
        Await.until("a and b give up on c", 10_000, () -> heartbeats.get(0).givenUp("c", incarnation));

        nodes.get(2).beats(heartbeats.get(2));
        beat(2);
        Await.until("c leased again", 5_000, () -> leased(2));
        assertEquals(1, lapses.get(2).get(), "c found its lease run out, and gave up its slots, once");
        final long reborn = heartbeats.get(2).incarnation();
        assertNotEquals(incarnation, reborn);
        assertFalse(heartbeats.get(0).givenUp("c", reborn), "the new incarnation is granted");
        assertTrue(heartbeats.get(0).givenUp("c", incarnation), "the old one, never again");
    }
}
