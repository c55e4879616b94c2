package io.readstates.cluster;

import io.readstates.ownership.Node;
import io.readstates.ownership.Ownership;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Leases on the monotonic clock, so that no two nodes answer for one user from memory, whatever pause,
 * partition or lost message comes between them; in the manner of a Raft leader's lease.
 *
 * <p><b>Holding a lease.</b> Every beat interval this node sends each member it sees a beat, and notes
 * when it sent it. A member grants the beat unless it has given up on this node's incarnation. Once a
 * quorum, this node included, has granted one beat, this node's lease runs to that beat's sending time
 * plus the lease time (the failure timeout less a margin). The node serves its slots only while its lease
 * runs ({@link Ownership#leased}). When it finds the lease run out (it was paused or cut off), or a node
 * answers that it gave up on it, it stops serving every slot, takes a new incarnation, and takes its
 * slots again through the hand-over, under new epochs: whatever it held in memory may have been changed
 * elsewhere since.
 *
 * <p><b>Giving up.</b> A node gives up on another's incarnation when it has heard nothing from it for the
 * give-up time (the failure timeout plus the margin), and never grants that incarnation again. Every
 * beat carries the incarnations its sender has given up on. A slot claimed by a node is taken from it
 * only once a quorum, the taker included, has given up on the incarnation that claims it
 * ({@link #givenUp}). Two quorums share a member: that member granted the last lease of the incarnation
 * no earlier than it heard from it, and gave up on it a give-up time later, by when that lease, shorter
 * by twice the margin, had run out. The margin covers clocks that run at slightly different rates.
 */
public final class Heartbeats implements Nodes.Beats
{
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    /** Incarnations of a node remembered as given up on; older ones cannot come back. */
    private static final int GIVEN_UP_KEPT = 4;

    /** What this node knows of another. */
    private static final class Peer
    {
        /** When this node last heard from the peer's latest incarnation, on the monotonic clock. */
        long heardAt;
        long incarnation;
        final ArrayDeque<Long> givenUp = new ArrayDeque<>();
        /** What the peer said, in its last beat, it has given up on: node name to incarnations. */
        Map<String, List<Long>> gaveUp = Map.of();

        Peer(final long heardAt, final long incarnation)
        {
            this.heardAt = heardAt;
            this.incarnation = incarnation;
        }
    }

    private final Vertx vertx;
    private final Nodes nodes;
    private final Ownership ownership;
    private final String self;
    private final int quorum;
    private final long leaseNanos;
    private final long giveUpNanos;
    private final long intervalMs;
    private final Map<String, Peer> peers = new HashMap<>();
    private long incarnation = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private boolean leasedThisIncarnation;
    private long lastBeatAt;
    private Runnable startedOver = () -> { };
    private Consumer<String> linkRestored = node -> { };
    /** The nodes whose last beat from here got no answer. */
    private final Set<String> unanswered = new HashSet<>();
    private volatile long timer = -1;

    /**
     * @param quorum how many nodes, this one included, must grant a lease or give up on a node
     * @param failureTimeoutMs how long a node may go unheard before the others take its slots
     */
    public Heartbeats(final Vertx vertx, final Nodes nodes, final Ownership ownership, final int quorum,
        final long failureTimeoutMs)
    {
        this.vertx = vertx;
        this.nodes = nodes;
        this.ownership = ownership;
        this.self = ownership.self().name();
        this.quorum = quorum;
        final long marginMs = failureTimeoutMs / 10;
        this.leaseNanos = (failureTimeoutMs - marginMs) * 1_000_000;
        this.giveUpNanos = (failureTimeoutMs + marginMs) * 1_000_000;
        this.intervalMs = Math.max(20, failureTimeoutMs / 8);
        nodes.beats(this);
    }

    /** Starts beating; {@code startedOver} runs each time this node starts over (see {@link #startOver}). */
    public void start(final Runnable startedOver)
    {
        this.startedOver = startedOver;
        timer = vertx.setPeriodic(intervalMs, id -> beat());
        beat();
    }

    /** Runs {@code restored} with a node's name when it answers a beat again after one went unanswered. */
    public void onLinkRestored(final Consumer<String> restored)
    {
        this.linkRestored = restored;
    }

    /** Beats now rather than at the next interval: the members changed, and a lease may be had sooner. */
    public void beatNow()
    {
        if (timer != -1)
        {
            beat();
        }
    }

    public void stop()
    {
        vertx.cancelTimer(timer);
        timer = -1;
    }

    /** @return this node's incarnation: it changes each time the node loses its lease */
    public synchronized long incarnation()
    {
        return incarnation;
    }

    /**
     * @return true once a quorum, this node included, has given up on that incarnation of the node: it
     * holds no lease, and never will again
     */
    public synchronized boolean givenUp(final String node, final long incarnationOfNode)
    {
        int count = peer(node, incarnationOfNode).givenUp.contains(incarnationOfNode) ? 1 : 0;
        for (final Map.Entry<String, Peer> reporter : peers.entrySet())
        {
            if (!reporter.getKey().equals(node) &&
                reporter.getValue().gaveUp.getOrDefault(node, List.of()).contains(incarnationOfNode))
            {
                count++;
            }
        }
        return count >= quorum;
    }

    private void beat()
    {
        final long sentAt = System.nanoTime();
        final NodeMessage.Beat beat;
        final boolean ranOut;
        synchronized (this)
        {
            if (lastBeatAt != 0 && sentAt - lastBeatAt > 3 * intervalMs * 1_000_000)
            {
                // This node was paused: it cannot tell whether the others were silent, or it was.
                peers.values().forEach(peer -> peer.heardAt = sentAt);
            }
            lastBeatAt = sentAt;
            ranOut = leasedThisIncarnation && !ownership.leased();
        }
        if (ranOut)
        {
            startOver("lease ran out (paused or cut off)");
        }
        synchronized (this)
        {
            giveUpOnSilent(sentAt);
            beat = report(true);
        }
        final int[] granted = {1};
        if (granted[0] >= quorum)
        {
            renew(beat, sentAt);
        }
        for (final Node node : ownership.nodes())
        {
            if (node.name().equals(self))
            {
                continue;
            }
            nodes.beat(node.name(), beat).onComplete(ar ->
            {
                if (ar.failed())
                {
                    synchronized (this)
                    {
                        unanswered.add(node.name());
                    }
                    return;
                }
                final NodeMessage.Beat answer = ar.result();
                heard(answer);
                if (!answer.granted() && beat.incarnation() == incarnation())
                {
                    // Given up on: its slots may be taken, whether or not this incarnation ever held a lease.
                    startOver(node.name() + " gave up on this node");
                }
                else if (answer.granted() && ++granted[0] == quorum)
                {
                    renew(beat, sentAt);
                }
                final boolean restored;
                synchronized (this)
                {
                    restored = unanswered.remove(node.name());
                }
                if (restored)
                {
                    linkRestored.accept(node.name());
                }
            });
        }
    }

    /**
     * Takes a new incarnation and gives up every slot: whatever this node held may have been taken since.
     * The slots are taken again through the hand-over, under the new incarnation and new epochs.
     */
    private void startOver(final String why)
    {
        final long before;
        final long after;
        synchronized (this)
        {
            before = incarnation;
            incarnation = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            after = incarnation;
            leasedThisIncarnation = false;
            // The new incarnation starts without a lease: grants of the old one hold nothing for it.
            ownership.endLease();
        }
        LOG.warn("{}: serving nothing until the slots are taken again; incarnation {} -> {}", why, before, after);
        startedOver.run();
    }

    /** A quorum granted the beat: the lease runs from when it was sent. A grant for an earlier incarnation holds nothing. */
    private synchronized void renew(final NodeMessage.Beat beat, final long sentAt)
    {
        if (beat.incarnation() == incarnation)
        {
            leasedThisIncarnation = true;
            ownership.renewLease(sentAt + leaseNanos);
        }
    }

    /** Another node's beat: heard, and granted unless this node has given up on its incarnation. */
    @Override
    public NodeMessage.Beat beat(final NodeMessage.Beat beat)
    {
        final boolean granted = heard(beat);
        synchronized (this)
        {
            return report(granted);
        }
    }

    /** @return false if this node has given up on the sender's incarnation */
    private synchronized boolean heard(final NodeMessage.Beat beat)
    {
        final Peer peer = peer(beat.from(), beat.incarnation());
        final Map<String, List<Long>> gaveUp = new HashMap<>();
        for (int i = 0; i < beat.givenUpNodes().length; i++)
        {
            gaveUp.computeIfAbsent(beat.givenUpNodes()[i], n -> new ArrayList<>()).add(beat.givenUpIncarnations()[i]);
        }
        peer.gaveUp = gaveUp;
        if (peer.givenUp.contains(beat.incarnation()))
        {
            return false;
        }
        peer.incarnation = beat.incarnation();
        peer.heardAt = System.nanoTime();
        return true;
    }

    /**
     * A node not heard of before counts as heard now: giving up on it later than it could have been is
     * safe, and a node that just joined must not be given up on before its first beat arrives.
     */
    private Peer peer(final String node, final long incarnationOfNode)
    {
        return peers.computeIfAbsent(node, n -> new Peer(System.nanoTime(), incarnationOfNode));
    }

    private void giveUpOnSilent(final long now)
    {
        peers.forEach((name, peer) ->
        {
            if (!peer.givenUp.contains(peer.incarnation) && now - peer.heardAt >= giveUpNanos)
            {
                LOG.warn("gave up on {} (incarnation {}): nothing heard for {} ms", name, peer.incarnation,
                    (now - peer.heardAt) / 1_000_000);
                peer.givenUp.addLast(peer.incarnation);
                if (peer.givenUp.size() > GIVEN_UP_KEPT)
                {
                    peer.givenUp.removeFirst();
                }
            }
        });
    }

    private NodeMessage.Beat report(final boolean granted)
    {
        final List<String> names = new ArrayList<>();
        final List<Long> incarnations = new ArrayList<>();
        peers.forEach((name, peer) -> peer.givenUp.forEach(gaveUp ->
        {
            names.add(name);
            incarnations.add(gaveUp);
        }));
        return new NodeMessage.Beat(self, incarnation, granted, names.toArray(String[]::new),
            incarnations.stream().mapToLong(Long::longValue).toArray());
    }
}
