package io.readstates.membership;

import io.readstates.cluster.Ownership;
import io.readstates.cluster.Slots;
import io.readstates.persist.RedisConnections;
import io.readstates.persist.RedisLayout;
import io.readstates.shard.Shards;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
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
 * <p>A slot this node serves but no longer owns is <b>released</b>: it stops serving it at once
 * (requests now go to the new owner, which refuses them with 503 until it serves), writes the slot's
 * dirty records, drops its users, and only then tells the new owner. A slot this node now owns is
 * <b>acquired</b> once the previous owner said it released it, or has left the cluster, or did not
 * answer within the hand-over timeout: the node drops whatever it kept of the slot from an earlier
 * time, takes a new epoch for it from Redis (fencing off every earlier owner), and serves it.
 *
 * <p>A node that sees fewer members than the quorum serves nothing: it may be the one cut off.
 */
public final class HandOver extends VerticleBase
{
    private static final Logger LOG = LoggerFactory.getLogger(HandOver.class);
    private static final long TICK_MS = 200;
    private static final String ADDRESS = "readstates.handover.";

    private final Membership membership;
    private final Ownership ownership;
    private final Shards shards;
    private final String redisUrl;
    private final int minMembers;
    private final long timeoutMs;

    private Redis redis;
    private long timer;
    private boolean stopped;
    private volatile boolean quorum;
    private List<Ownership.Member> members = List.of();
    /** The last member other than this one seen owning each slot: the one to wait for. */
    private final Ownership.Member[] previousOwner = new Ownership.Member[Slots.COUNT];
    /** Which member said it released each slot to this node. */
    private final String[] releasedBy = new String[Slots.COUNT];
    /** When this node stops waiting for a slot's previous owner. */
    private final long[] waitUntil = new long[Slots.COUNT];
    private final BitSet releasing = new BitSet(Slots.COUNT);
    private final BitSet acquiring = new BitSet(Slots.COUNT);

    public HandOver(final Membership membership, final Ownership ownership, final Shards shards, final String redisUrl,
        final int minMembers, final long timeoutMs)
    {
        this.membership = membership;
        this.ownership = ownership;
        this.shards = shards;
        this.redisUrl = redisUrl;
        this.minMembers = minMembers;
        this.timeoutMs = timeoutMs;
    }

    /** @return true if this node sees enough members to serve. */
    public boolean quorum()
    {
        return quorum;
    }

    @Override
    public Future<?> start()
    {
        redis = RedisConnections.create(vertx, redisUrl, "redis-handover");
        vertx.eventBus().<JsonObject>consumer(ADDRESS + ownership.self().httpAddress(), message ->
        {
            released(message.body());
            message.reply(true);
        });
        membership.onChange(() -> context.runOnContext(v -> step()));
        timer = vertx.setPeriodic(TICK_MS, id -> step());
        step();
        return Future.succeededFuture();
    }

    /** Stops serving every slot, and writes and drops what the shards hold, before the node leaves. */
    @Override
    public Future<?> stop()
    {
        stopped = true;
        vertx.cancelTimer(timer);
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            ownership.stopServing(slot);
        }
        return Future.succeededFuture().eventually(() -> redis.close());
    }

    private void released(final JsonObject notice)
    {
        final String from = notice.getString("from");
        for (final Object slot : notice.getJsonArray("slots"))
        {
            releasedBy[(Integer)slot] = from;
        }
        step();
    }

    /** Compares who should serve each slot with who does, and starts whatever hand-over is due. */
    private void step()
    {
        if (stopped)
        {
            return;
        }
        final Ownership.Member self = membership.self();
        final List<Ownership.Member> now = membership.members();
        final boolean hadQuorum = quorum;
        quorum = now.size() >= minMembers;
        if (quorum != hadQuorum || !now.equals(members))
        {
            LOG.info("cluster: {} members ({}), quorum {}: {}", now.size(), minMembers, quorum ? "reached" : "NOT reached",
                now.stream().map(m -> m.id() + "@" + m.httpAddress()).toList());
        }
        final List<String> ids = now.stream().map(Ownership.Member::id).toList();
        final boolean first = members.isEmpty();
        final List<Ownership.Member> others = now.stream().filter(m -> !m.id().equals(self.id())).toList();
        final List<String> otherIds = others.stream().map(Ownership.Member::id).toList();
        members = now;

        final Ownership.Member[] owners = new Ownership.Member[Slots.COUNT];
        final boolean[] serving = new boolean[Slots.COUNT];
        final List<Integer> release = new ArrayList<>();
        final List<Integer> ready = new ArrayList<>();
        final long time = System.currentTimeMillis();
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            owners[slot] = now.get(Slots.ownerIndex(slot, ids));
            if (first && !others.isEmpty())
            {
                // A node that just joined takes over from whoever owned the slot before it came.
                previousOwner[slot] = others.get(Slots.ownerIndex(slot, otherIds));
            }
            final boolean mine = quorum && owners[slot].id().equals(self.id());
            if (!mine && !owners[slot].id().equals(self.id()))
            {
                previousOwner[slot] = owners[slot];
            }
            serving[slot] = ownership.serving(slot) && mine;
            if (ownership.serving(slot) && !mine && !releasing.get(slot))
            {
                release.add(slot);
            }
            else if (mine && !ownership.serving(slot) && !acquiring.get(slot))
            {
                if (waitUntil[slot] == 0)
                {
                    waitUntil[slot] = time + timeoutMs;
                }
                final Ownership.Member before = previousOwner[slot];
                final boolean beforeGone = before == null || !ids.contains(before.id());
                if (beforeGone || before.id().equals(releasedBy[slot]) || time > waitUntil[slot])
                {
                    ready.add(slot);
                }
            }
            else if (!mine)
            {
                waitUntil[slot] = 0;
            }
        }
        ownership.update(now, owners, serving);
        if (!release.isEmpty())
        {
            release(release, owners, self);
        }
        if (!ready.isEmpty())
        {
            acquire(ready);
        }
    }

    private void release(final List<Integer> slots, final Ownership.Member[] owners, final Ownership.Member self)
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
            final Map<Ownership.Member, JsonArray> byOwner = new HashMap<>();
            for (final int slot : slots)
            {
                byOwner.computeIfAbsent(owners[slot], k -> new JsonArray()).add(slot);
            }
            final long until = System.currentTimeMillis() + timeoutMs;
            byOwner.forEach((owner, list) -> tell(owner, new JsonObject().put("from", self.id()).put("slots", list), until));
            LOG.info("released {} slots", slots.size());
        });
    }

    /**
     * Tells the new owner that its slots are free, until it confirms: a member that has just joined
     * may not be reachable on the event bus for a moment.
     */
    private void tell(final Ownership.Member owner, final JsonObject notice, final long until)
    {
        vertx.eventBus().request(ADDRESS + owner.httpAddress(), notice, new DeliveryOptions().setSendTimeout(500))
            .onFailure(e ->
            {
                if (!stopped && System.currentTimeMillis() < until)
                {
                    vertx.setTimer(TICK_MS, id -> tell(owner, notice, until));
                }
            });
    }

    private void acquire(final List<Integer> slots)
    {
        slots.forEach(acquiring::set);
        settle(slots).compose(v ->
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
            final Ownership.Member self = membership.self();
            int served = 0;
            for (int i = 0; i < slots.size(); i++)
            {
                final int slot = slots.get(i);
                if (quorum && ownership.ownerOfSlot(slot).id().equals(self.id()))
                {
                    ownership.serve(slot, epochs.get(i).toLong());
                    releasedBy[slot] = null;
                    waitUntil[slot] = 0;
                    served++;
                }
            }
            LOG.info("now serving {} more slots ({} in all)", served, ownership.servedSlots());
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
