package io.readstates.cluster;

import io.readstates.ownership.Node;
import io.readstates.ownership.Ownership;
import io.readstates.ownership.Slots;
import io.readstates.persist.RedisCommands;
import io.readstates.persist.RedisLayout;
import io.readstates.persist.RedisTarget;
import io.readstates.shard.Shards;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Moves slots between members as the cluster changes, so that a user always has at most one node
 * serving it, and nothing acknowledged is lost on the way. Everything here runs on the verticle's own
 * event loop: on every membership change, and, while a hand-over is under way, on a short tick (which
 * also retries what failed). A settled node does no work between changes.
 *
 * <p>Each slot is at one {@link Stage} here. Each node publishes, in a map the cluster shares, the slots
 * it may hold: those it serves, takes or gives up. A slot this node serves but no longer owns is
 * released: it stops serving it at once (requests now go to the new owner, which refuses them with 503
 * until it serves), writes the slot's dirty records, drops its users, and only then withdraws its claim.
 * A slot this node now owns is wanted until no other member claims it (a member that died or left
 * claims nothing), or until the hand-over timeout; then it is acquired: the node claims it, drops
 * whatever it kept of the slot from an earlier time, takes a new epoch for it from Redis (fencing off
 * every earlier owner), and serves it.
 *
 * <p>A node that sees fewer members than the quorum serves nothing: it may be the one cut off.
 */
public final class HandOver extends VerticleBase
{
    private static final Logger LOG = LoggerFactory.getLogger(HandOver.class);
    private static final long TICK_MS = 200;
    private static final String CLAIMS = "readstates.claims";

    /** Where this node stands with a slot. */
    private enum Stage
    {
        /** Another node owns it, and this node holds nothing of it. */
        ELSEWHERE,
        /** This node owns it and serves it. */
        SERVING,
        /** This node no longer owns it: it stopped serving it, and writes and drops its users before it lets go. */
        RELEASING,
        /** This node owns it, and waits for the node before to let go of it, or for the hand-over timeout. */
        WANTED,
        /** This node claims it, drops what it kept of it and takes a new epoch, then serves it. */
        ACQUIRING
    }

    /** One slot as this node sees it. */
    private static final class Slot
    {
        Stage stage = Stage.ELSEWHERE;
        /** When it became wanted, in ms of the monotonic clock. */
        long wantedSince;
        /** When this node stops waiting for another member to let go of it. */
        long waitUntil;
    }

    private final Membership membership;
    private final Ownership ownership;
    private final Shards shards;
    private final RedisTarget redisTarget;
    private final int minMembers;
    private final long timeoutMs;
    private final Slot[] slots = new Slot[Slots.COUNT];

    private RedisCommands redis;
    private AsyncMap<String, byte[]> claims;
    private boolean stopped;
    private boolean tickPending;
    private volatile boolean quorum;
    private List<Node> members = List.of();
    /** The slots the other members claim, as last read, and when the read began (ms, monotonic). */
    private BitSet othersClaim = new BitSet(Slots.COUNT);
    private long othersReadAt = Long.MIN_VALUE;
    private boolean reading;

    public HandOver(final Membership membership, final Ownership ownership, final Shards shards, final RedisTarget redisTarget,
        final int minMembers, final long timeoutMs)
    {
        this.membership = membership;
        this.ownership = ownership;
        this.shards = shards;
        this.redisTarget = redisTarget;
        this.minMembers = minMembers;
        this.timeoutMs = timeoutMs;
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            slots[slot] = new Slot();
        }
    }

    /** @return true if this node sees enough members to serve. */
    public boolean quorum()
    {
        return quorum;
    }

    @Override
    public Future<?> start()
    {
        redis = redisTarget.connect(vertx, "redis-handover");
        return vertx.sharedData().<String, byte[]>getAsyncMap(CLAIMS).compose(map ->
        {
            claims = map;
            // Whatever this name claimed in an earlier life (a restart, a rejoin), it holds nothing now.
            return publish();
        }).onSuccess(v ->
        {
            membership.onChange(() -> context.runOnContext(x -> step()));
            step();
        });
    }

    /**
     * Stops serving every slot before the node writes its changes and leaves. Its claims stay until it
     * has left: the others take its slots once it is gone.
     */
    @Override
    public Future<?> stop()
    {
        stopped = true;
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            ownership.stopServing(slot);
        }
        return redis.close();
    }

    private static long now()
    {
        return System.nanoTime() / 1_000_000;
    }

    /** Compares who should serve each slot with who does, and starts whatever hand-over is due. */
    private void step()
    {
        if (stopped)
        {
            return;
        }
        final Node self = membership.self();
        final List<Node> now = membership.members();
        final boolean hadQuorum = quorum;
        quorum = now.size() >= minMembers;
        if (quorum != hadQuorum || !now.equals(members))
        {
            LOG.info("cluster: {} members (quorum {}: {}): {}", now.size(), minMembers, quorum ? "reached" : "NOT reached",
                now.stream().map(m -> m.name() + "@" + m.address()).toList());
            // Claims read before the change may predate what the change set moving.
            othersReadAt = Long.MIN_VALUE;
        }
        members = now;
        final List<String> names = now.stream().map(Node::name).toList();
        final Node[] owners = new Node[Slots.COUNT];
        final boolean[] serving = new boolean[Slots.COUNT];
        final List<Integer> release = new ArrayList<>();
        final List<Integer> acquire = new ArrayList<>();
        final long time = now();
        boolean unsettled = false;
        for (int index = 0; index < Slots.COUNT; index++)
        {
            owners[index] = now.get(Slots.ownerIndex(index, names));
            final boolean mine = quorum && owners[index].name().equals(self.name());
            final Slot slot = slots[index];
            if (slot.stage == Stage.SERVING && !mine)
            {
                slot.stage = Stage.RELEASING;
                release.add(index);
            }
            else if (slot.stage == Stage.ELSEWHERE && mine)
            {
                slot.stage = Stage.WANTED;
                slot.wantedSince = time;
                slot.waitUntil = time + timeoutMs;
            }
            else if (slot.stage == Stage.WANTED && !mine)
            {
                slot.stage = Stage.ELSEWHERE;
            }
            if (slot.stage == Stage.WANTED)
            {
                final boolean freed = othersReadAt > slot.wantedSince && !othersClaim.get(index);
                if (freed || time > slot.waitUntil)
                {
                    slot.stage = Stage.ACQUIRING;
                    acquire.add(index);
                }
            }
            serving[index] = slot.stage == Stage.SERVING;
            unsettled |= slot.stage == Stage.WANTED || slot.stage == Stage.RELEASING || slot.stage == Stage.ACQUIRING;
        }
        ownership.update(now, owners, serving);
        if (!release.isEmpty())
        {
            release(release);
        }
        if (!acquire.isEmpty())
        {
            acquire(acquire);
        }
        if (unsettled)
        {
            readOthers(now, self);
            tickSoon();
        }
    }

    /** Steps again shortly: a hand-over is under way, or something failed and is to be tried again. */
    private void tickSoon()
    {
        if (!tickPending && !stopped)
        {
            tickPending = true;
            vertx.setTimer(TICK_MS, id ->
            {
                tickPending = false;
                step();
            });
        }
    }

    private void release(final List<Integer> released)
    {
        settle(released).onComplete(ar ->
        {
            released.forEach(slot -> slots[slot].stage = Stage.ELSEWHERE);
            if (ar.failed())
            {
                // The claim stays: the new owner takes the slots after the hand-over timeout, and Redis refuses
                // whatever this node still writes of them.
                LOG.warn("releasing {} slots: {}; their new owners take them after the hand-over timeout", released.size(),
                    ar.cause().getMessage());
                return;
            }
            publish().onSuccess(v -> LOG.info("released {} slots", released.size()));
        });
    }

    private void acquire(final List<Integer> acquired)
    {
        publish().compose(v -> settle(acquired)).compose(v ->
        {
            final List<Request> incrs = new ArrayList<>();
            acquired.forEach(slot -> incrs.add(RedisLayout.nextEpoch(slot)));
            return redis.batch(incrs);
        }).onComplete(ar ->
        {
            if (ar.failed())
            {
                acquired.forEach(slot -> slots[slot].stage = Stage.WANTED);
                LOG.warn("taking {} slots: {}; retrying", acquired.size(), ar.cause().getMessage());
                tickSoon();
                return;
            }
            final List<Response> epochs = ar.result();
            final Node self = membership.self();
            int served = 0;
            for (int i = 0; i < acquired.size(); i++)
            {
                final int slot = acquired.get(i);
                if (quorum && ownership.ownerOfSlot(slot).name().equals(self.name()))
                {
                    slots[slot].stage = Stage.SERVING;
                    ownership.serve(slot, epochs.get(i).toLong());
                    served++;
                }
                else
                {
                    slots[slot].stage = Stage.ELSEWHERE;
                }
            }
            LOG.info("now serving {} more slots ({} in all)", served, ownership.servedSlots());
            publish();
            step();
        });
    }

    /** Stores, in the map the cluster shares, the slots this node may hold: served, being taken or being given up. */
    private Future<Void> publish()
    {
        final BitSet claimed = new BitSet(Slots.COUNT);
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            final Stage stage = slots[slot].stage;
            if (stage == Stage.SERVING || stage == Stage.RELEASING || stage == Stage.ACQUIRING)
            {
                claimed.set(slot);
            }
        }
        return claims.put(ownership.self().name(), claimed.toByteArray());
    }

    /** Reads what the other members claim, unless a read is already under way; steps again if that frees a slot. */
    private void readOthers(final List<Node> now, final Node self)
    {
        if (reading)
        {
            return;
        }
        reading = true;
        final long startedAt = now();
        final Set<String> others = new HashSet<>();
        now.stream().filter(m -> !m.name().equals(self.name())).forEach(m -> others.add(m.name()));
        claims.entries().onComplete(ar ->
        {
            reading = false;
            if (ar.succeeded())
            {
                final BitSet claimed = new BitSet(Slots.COUNT);
                ar.result().forEach((name, bytes) ->
                {
                    if (others.contains(name))
                    {
                        claimed.or(BitSet.valueOf(bytes));
                    }
                });
                othersClaim = claimed;
                othersReadAt = startedAt;
                for (int slot = 0; slot < Slots.COUNT; slot++)
                {
                    if (slots[slot].stage == Stage.WANTED && !claimed.get(slot))
                    {
                        step();
                        return;
                    }
                }
            }
        });
    }

    /** Writes and drops, on every shard, whatever is resident of the slots. */
    private Future<Void> settle(final List<Integer> settled)
    {
        final Set<Integer> set = new HashSet<>(settled);
        final IntPredicate in = set::contains;
        final List<Future<Void>> all = new ArrayList<>();
        for (int i = 0; i < shards.count(); i++)
        {
            all.add(shards.get(i).settle(in, timeoutMs));
        }
        return Future.all(all).mapEmpty();
    }
}
