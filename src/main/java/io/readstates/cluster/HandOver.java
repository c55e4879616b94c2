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
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Moves slots between members as the cluster changes, so that a user always has at most one node
 * serving it, and nothing acknowledged is lost on the way. Everything here runs on the verticle's
 * own event loop, on every membership change and on a short tick (which also retries what failed).
 *
 * <p>Each node publishes, in a map the cluster shares ({@link Membership#claims}), the slots it may
 * hold: those it serves, takes or gives up. A slot this node serves but no longer owns is
 * <b>released</b>: it stops serving it at once (requests now go to the new owner, which refuses them
 * with 503 until it serves), writes the slot's dirty records, drops its users, and only then withdraws
 * its claim. A slot this node now owns is <b>acquired</b> once no other member claims it (a member
 * that died or left claims nothing), or after the hand-over timeout: the node claims it, drops
 * whatever it kept of the slot from an earlier time, takes a new epoch for it from Redis (fencing off
 * every earlier owner), and serves it.
 *
 * <p>A node that sees fewer members than the quorum serves nothing: it may be the one cut off.
 */
public final class HandOver extends VerticleBase
{
    private static final Logger LOG = LoggerFactory.getLogger(HandOver.class);
    private static final long TICK_MS = 200;

    private final Membership membership;
    private final Ownership ownership;
    private final Shards shards;
    private final RedisTarget redisTarget;
    private final int minMembers;
    private final long timeoutMs;

    private RedisCommands redis;
    private long timer;
    private boolean stopped;
    private volatile boolean quorum;
    private List<Node> members = List.of();
    /** Not a time: a slot this node does not want. */
    private static final long NEVER = Long.MIN_VALUE;

    /** When this node began to want each slot it does not serve yet (ms of the monotonic clock), or NEVER. */
    private final long[] wantedSince = new long[Slots.COUNT];
    /** When this node stops waiting for another member to let go of each slot. */
    private final long[] waitUntil = new long[Slots.COUNT];
    private final BitSet releasing = new BitSet(Slots.COUNT);
    private final BitSet acquiring = new BitSet(Slots.COUNT);
    /** The slots the other members claim, as last read, and when the read began. */
    private BitSet othersClaim = new BitSet(Slots.COUNT);
    private long othersReadAt = NEVER;
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
        java.util.Arrays.fill(wantedSince, NEVER);
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
        // Whatever this name claimed in an earlier life (a restart, a rejoin), it holds nothing now.
        return publish(new BitSet(Slots.COUNT)).onSuccess(v ->
        {
            membership.onChange(() -> context.runOnContext(x -> step()));
            timer = vertx.setPeriodic(TICK_MS, id -> step());
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
        vertx.cancelTimer(timer);
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            ownership.stopServing(slot);
        }
        return redis.close();
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
            othersReadAt = NEVER;
        }
        members = now;
        final List<String> ids = now.stream().map(Node::name).toList();
        final Node[] owners = new Node[Slots.COUNT];
        final boolean[] serving = new boolean[Slots.COUNT];
        final List<Integer> release = new ArrayList<>();
        final List<Integer> ready = new ArrayList<>();
        final long time = System.nanoTime() / 1_000_000;
        boolean waiting = false;
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            owners[slot] = now.get(Slots.ownerIndex(slot, ids));
            final boolean mine = quorum && owners[slot].name().equals(self.name());
            serving[slot] = ownership.serving(slot) && mine;
            if (ownership.serving(slot) && !mine && !releasing.get(slot))
            {
                release.add(slot);
            }
            else if (mine && !ownership.serving(slot) && !acquiring.get(slot))
            {
                if (wantedSince[slot] == NEVER)
                {
                    wantedSince[slot] = time;
                    waitUntil[slot] = time + timeoutMs;
                }
                final boolean freed = othersReadAt > wantedSince[slot] && !othersClaim.get(slot);
                if (freed || time > waitUntil[slot])
                {
                    ready.add(slot);
                }
                else
                {
                    waiting = true;
                }
            }
            else if (!mine)
            {
                wantedSince[slot] = NEVER;
            }
        }
        ownership.update(now, owners, serving);
        if (!release.isEmpty())
        {
            release(release);
        }
        if (!ready.isEmpty())
        {
            acquire(ready);
        }
        if (waiting)
        {
            readOthers(now, self);
        }
    }

    private void release(final List<Integer> slots)
    {
        slots.forEach(releasing::set);
        settle(slots).onComplete(ar ->
        {
            slots.forEach(releasing::clear);
            if (ar.failed())
            {
                LOG.warn("releasing {} slots: {}; their new owners take them after the hand-over timeout", slots.size(),
                    ar.cause().getMessage());
                return;
            }
            publish(claims()).onSuccess(v -> LOG.info("released {} slots", slots.size()));
        });
    }

    private void acquire(final List<Integer> slots)
    {
        slots.forEach(acquiring::set);
        publish(claims()).compose(v -> settle(slots)).compose(v ->
        {
            final List<Request> incrs = new ArrayList<>();
            slots.forEach(slot -> incrs.add(RedisLayout.nextEpoch(slot)));
            return redis.batch(incrs);
        }).onComplete(ar ->
        {
            slots.forEach(acquiring::clear);
            if (ar.failed())
            {
                LOG.warn("taking {} slots: {}; retrying", slots.size(), ar.cause().getMessage());
                return;
            }
            final List<Response> epochs = ar.result();
            final Node self = membership.self();
            int served = 0;
            for (int i = 0; i < slots.size(); i++)
            {
                final int slot = slots.get(i);
                if (quorum && ownership.ownerOfSlot(slot).name().equals(self.name()))
                {
                    ownership.serve(slot, epochs.get(i).toLong());
                    wantedSince[slot] = NEVER;
                    served++;
                }
            }
            LOG.info("now serving {} more slots ({} in all)", served, ownership.servedSlots());
            publish(claims());
        });
    }

    /** @return the slots this node may hold: served, being taken or being given up */
    private BitSet claims()
    {
        final BitSet claims = new BitSet(Slots.COUNT);
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            if (ownership.serving(slot))
            {
                claims.set(slot);
            }
        }
        claims.or(acquiring);
        claims.or(releasing);
        return claims;
    }

    /** Stores this node's claims in the shared map (a blocking call, so on a worker thread). */
    private Future<Void> publish(final BitSet claims)
    {
        final String key = ownership.self().name();
        final byte[] value = claims.toByteArray();
        return vertx.<Void>executeBlocking(() ->
        {
            membership.claims().set(key, value);
            return null;
        });
    }

    /** Reads what the other members claim, unless a read is already under way. */
    private void readOthers(final List<Node> now, final Node self)
    {
        if (reading)
        {
            return;
        }
        reading = true;
        final long startedAt = System.nanoTime() / 1_000_000;
        final Set<String> keys = new HashSet<>();
        now.stream().filter(m -> !m.name().equals(self.name())).forEach(m -> keys.add(m.name()));
        vertx.<Map<String, byte[]>>executeBlocking(() -> membership.claims().getAll(keys)).onComplete(ar ->
        {
            reading = false;
            if (ar.succeeded())
            {
                final BitSet claimed = new BitSet(Slots.COUNT);
                ar.result().values().forEach(bytes -> claimed.or(BitSet.valueOf(bytes)));
                othersClaim = claimed;
                othersReadAt = startedAt;
                step();
            }
        });
    }

    /** Writes and drops, on every shard, whatever is resident of the slots. */
    private Future<Void> settle(final List<Integer> slots)
    {
        final Set<Integer> set = new HashSet<>(slots);
        final IntPredicate in = set::contains;
        final List<Future<Void>> all = new ArrayList<>();
        for (int i = 0; i < shards.count(); i++)
        {
            all.add(shards.get(i).settle(in, timeoutMs));
        }
        return Future.all(all).mapEmpty();
    }
}
