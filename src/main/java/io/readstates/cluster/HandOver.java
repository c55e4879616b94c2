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
 * <p>Each slot is at one {@link Stage} here. Each node publishes, in a map the cluster shares, its
 * {@link Claim}: the slots it may hold (those it serves, takes or gives up) and those it serves. A slot
 * this node serves but no longer owns is released: it stops serving it at once (requests now go to the
 * new owner, which refuses them with 503 until it serves), writes the slot's dirty records, drops its
 * users, and only then withdraws its claim. A slot this node now owns is wanted until no other node's
 * claim stands in the way; then it is acquired: the node claims it, drops whatever it kept of the slot
 * from an earlier time, takes a new epoch for it from Redis (fencing off every earlier owner), and serves it.
 *
 * <p>Another node's claim of a slot stands until that node withdraws it, or until a quorum has given up
 * on the incarnation that made it ({@link Heartbeats}): a node that died or was cut off keeps its claims,
 * and only once its lease has surely run out are its slots taken. A claim of a slot the other node holds
 * without serving it (it is stuck writing the slot's changes, with Redis away) stands for the hand-over
 * timeout at most; what it writes after that carries an old epoch, and Redis refuses it.
 *
 * <p>A slot is also given up when Redis refuses a load or a write of one of its users (another node took
 * it under a newer epoch), and every slot is given up when this node's lease runs out or another node
 * says it gave up on it: it is wanted again, and taken again only through the same steps.
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
    private final Heartbeats heartbeats;
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
    /** The slots the other nodes' standing claims hold and serve, as last read, and when the read began (ms, monotonic). */
    private BitSet othersHold = new BitSet(Slots.COUNT);
    private BitSet othersServe = new BitSet(Slots.COUNT);
    private long othersReadAt = Long.MIN_VALUE;
    private boolean reading;

    public HandOver(final Membership membership, final Heartbeats heartbeats, final Ownership ownership, final Shards shards,
        final RedisTarget redisTarget, final int minMembers, final long timeoutMs)
    {
        this.membership = membership;
        this.heartbeats = heartbeats;
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
            ownership.onLost(slot -> context.runOnContext(x -> lost(slot)));
            heartbeats.start(this::startedOver);
            step();
        });
    }

    /**
     * Stops serving every slot before the node writes its changes and leaves, and says so in its claim:
     * the slots stay held until {@link #withdraw}, once the changes are written.
     */
    @Override
    public Future<?> stop()
    {
        stopped = true;
        heartbeats.stop();
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            ownership.stopServing(slot);
            if (slots[slot].stage == Stage.SERVING)
            {
                slots[slot].stage = Stage.RELEASING;
            }
        }
        return publish().eventually(() -> redis.close());
    }

    /**
     * Withdraws every claim of this node, once it stopped and wrote every change: the others take its slots
     * at once. A node that could not write everything does not withdraw; the others take its slots once
     * they have given up on it, and Redis refuses its late writes.
     */
    public Future<Void> withdraw()
    {
        return claims.put(ownership.self().name(), Claim.none(heartbeats.incarnation()).toBytes());
    }

    /** Redis refused a user of the slot: another node took it. Wanted again, and taken again only once no claim stands in the way. */
    private void lost(final int slot)
    {
        if (!stopped && slots[slot].stage == Stage.SERVING)
        {
            LOG.warn("slot {}: Redis refused a user of it under epoch {}; serving it no more until it is taken again", slot,
                ownership.epochOfSlot(slot));
            want(slots[slot], now());
            publish();
            drop(List.of(slot));
            step();
        }
    }

    /** This node started over (its lease ran out, or it was given up on): every slot served is wanted again. */
    private void startedOver()
    {
        context.runOnContext(x ->
        {
            final long time = now();
            final List<Integer> lost = new ArrayList<>();
            for (int slot = 0; slot < Slots.COUNT; slot++)
            {
                if (slots[slot].stage == Stage.SERVING)
                {
                    want(slots[slot], time);
                    lost.add(slot);
                }
            }
            LOG.warn("started over: {} slots to be taken again", lost.size());
            if (!stopped)
            {
                publish();
                drop(lost);
                step();
            }
        });
    }

    /**
     * Writes and drops at once what this node holds of slots it no longer serves without having released
     * them: what Redis still takes under their epochs is kept, what it refuses was written elsewhere since.
     * Taking a slot again drops it too; this does not wait for that.
     */
    private void drop(final List<Integer> dropped)
    {
        settle(dropped).onFailure(e -> LOG.warn("dropping {} slots: {}", dropped.size(), e.getMessage()));
    }

    private void want(final Slot slot, final long time)
    {
        slot.stage = Stage.WANTED;
        slot.wantedSince = time;
        slot.waitUntil = time + timeoutMs;
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
            heartbeats.beatNow();
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
                want(slot, time);
            }
            else if (slot.stage == Stage.WANTED && !mine)
            {
                slot.stage = Stage.ELSEWHERE;
            }
            if (slot.stage == Stage.WANTED && othersReadAt > slot.wantedSince)
            {
                final boolean freed = !othersHold.get(index);
                final boolean stuck = time > slot.waitUntil && !othersServe.get(index);
                if (freed || stuck)
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
            readOthers(self);
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
        // Published at once: the new owner waits at most the hand-over timeout for a slot no longer served.
        publish();
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
        final long incarnation = heartbeats.incarnation();
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
                // A slot is served under an epoch taken by this incarnation only: one taken before the lease ran
                // out may predate the slot's being taken elsewhere.
                if (quorum && incarnation == heartbeats.incarnation() && slots[slot].stage == Stage.ACQUIRING &&
                    ownership.ownerOfSlot(slot).name().equals(self.name()))
                {
                    slots[slot].stage = Stage.SERVING;
                    ownership.serve(slot, epochs.get(i).toLong());
                    served++;
                }
                else if (slots[slot].stage == Stage.ACQUIRING)
                {
                    slots[slot].stage = Stage.ELSEWHERE;
                }
            }
            LOG.info("now serving {} more slots ({} in all)", served, ownership.servedSlots());
            publish();
            step();
        });
    }

    /** Stores, in the map the cluster shares, the slots this node may hold (served, being taken or being given up) and those it serves. */
    private Future<Void> publish()
    {
        final Claim claim = Claim.none(heartbeats.incarnation());
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            final Stage stage = slots[slot].stage;
            if (stage == Stage.SERVING || stage == Stage.RELEASING || stage == Stage.ACQUIRING)
            {
                claim.held().set(slot);
            }
            if (stage == Stage.SERVING)
            {
                claim.serving().set(slot);
            }
        }
        return claims.put(ownership.self().name(), claim.toBytes());
    }

    /**
     * Reads the other nodes' claims that still stand, unless a read is already under way; steps again if
     * that frees a slot. A claim stands until a quorum has given up on the incarnation that made it,
     * whether its node is a member now or not.
     */
    private void readOthers(final Node self)
    {
        if (reading)
        {
            return;
        }
        reading = true;
        final long startedAt = now();
        claims.entries().onComplete(ar ->
        {
            reading = false;
            if (ar.failed())
            {
                return;
            }
            final BitSet hold = new BitSet(Slots.COUNT);
            final BitSet serve = new BitSet(Slots.COUNT);
            ar.result().forEach((name, bytes) ->
            {
                if (name.equals(self.name()))
                {
                    return;
                }
                final Claim claim = Claim.of(bytes);
                if (!claim.held().isEmpty() && !heartbeats.givenUp(name, claim.incarnation()))
                {
                    hold.or(claim.held());
                    serve.or(claim.serving());
                }
            });
            othersHold = hold;
            othersServe = serve;
            othersReadAt = startedAt;
            final long time = now();
            for (int slot = 0; slot < Slots.COUNT; slot++)
            {
                final Slot s = slots[slot];
                if (s.stage == Stage.WANTED && (!hold.get(slot) || time > s.waitUntil && !serve.get(slot)))
                {
                    step();
                    return;
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
