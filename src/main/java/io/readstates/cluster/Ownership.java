package io.readstates.cluster;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which slots this node serves, which member owns each of the others, and the ownership epoch this
 * node last held for each slot. Read from every event loop, changed only by the node's hand-over
 * logic: the table is an immutable snapshot, replaced whole.
 *
 * <p>The epoch is the fencing token: a node takes a fresh one from Redis each time it starts serving a
 * slot, carries it into every write of the slot's users, and Redis refuses a write whose epoch is
 * older than one it has seen for that user. A node that lost a slot without knowing it keeps its old
 * epoch, so its late writes can never overwrite the new owner's.
 */
public final class Ownership
{
    /** A member that owns a slot: its id in the cluster and where its HTTP API listens. */
    public record Member(String id, String httpAddress)
    {
    }

    /** One view of the cluster: its members, the owners of the slots, and whether this node serves each now. */
    record Table(java.util.List<Member> members, Member[] owners, boolean[] serving)
    {
    }

    private final Member self;
    private final AtomicReference<Table> table;
    private final AtomicLongArray epochs = new AtomicLongArray(Slots.COUNT);
    private final boolean clustered;

    private Ownership(final Member self, final boolean clustered, final boolean servingAll)
    {
        this.self = self;
        this.clustered = clustered;
        final Member[] owners = new Member[Slots.COUNT];
        final boolean[] serving = new boolean[Slots.COUNT];
        java.util.Arrays.fill(owners, self);
        java.util.Arrays.fill(serving, servingAll);
        this.table = new AtomicReference<>(new Table(java.util.List.of(self), owners, serving));
    }

    /** A node alone: it serves every slot, at epoch 0, which Redis never refuses. */
    public static Ownership solo(final String httpAddress)
    {
        return new Ownership(new Member("solo", httpAddress), false, true);
    }

    /** A node of a cluster: it serves nothing until the hand-over gives it slots. */
    public static Ownership member(final Member self)
    {
        return new Ownership(self, true, false);
    }

    public boolean clustered()
    {
        return clustered;
    }

    public Member self()
    {
        return self;
    }

    /** @return true if this node serves the user's slot now. */
    public boolean serves(final long userId)
    {
        return table.get().serving()[Slots.of(userId)];
    }

    public boolean serving(final int slot)
    {
        return table.get().serving()[slot];
    }

    /** @return the member that owns the user's slot, as this node sees the cluster. */
    public Member ownerOf(final long userId)
    {
        return table.get().owners()[Slots.of(userId)];
    }

    public Member ownerOfSlot(final int slot)
    {
        return table.get().owners()[slot];
    }

    /** @return the epoch to carry into a write of the user's read states. */
    public long epochOf(final long userId)
    {
        return epochs.get(Slots.of(userId));
    }


    /** @return true if this node serves every slot it owns: no hand-over to it is under way. */
    public boolean settled()
    {
        final Table t = table.get();
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            if (!t.serving()[slot] && isSelf(t.owners()[slot]))
            {
                return false;
            }
        }
        return true;
    }

    /** @return how many slots this node serves. */
    public int servedSlots()
    {
        int n = 0;
        for (final boolean s : table.get().serving())
        {
            n += s ? 1 : 0;
        }
        return n;
    }

    /** A new view of the cluster; this node serves exactly the slots of {@code serving}. */
    public void update(final java.util.List<Member> members, final Member[] owners, final boolean[] serving)
    {
        table.set(new Table(java.util.List.copyOf(members), owners.clone(), serving.clone()));
    }

    /** @return the members, as this node last saw them. */
    public java.util.List<Member> members()
    {
        return table.get().members();
    }

    /** @return true if the member is this node (its id may change when it rejoins; its address does not). */
    public boolean isSelf(final Member member)
    {
        return member.httpAddress().equals(self.httpAddress());
    }

    /** Starts serving a slot under a new epoch. */
    public void serve(final int slot, final long epoch)
    {
        epochs.set(slot, epoch);
        setServing(slot, true);
    }

    /** Stops serving a slot (its epoch is kept: late writes still carry it, and are refused). */
    public void stopServing(final int slot)
    {
        setServing(slot, false);
    }

    private void setServing(final int slot, final boolean value)
    {
        table.updateAndGet(t ->
        {
            final boolean[] serving = t.serving().clone();
            serving[slot] = value;
            return new Table(t.members(), t.owners(), serving);
        });
    }
}
