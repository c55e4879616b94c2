package io.readstates.ownership;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Which slots this node serves, which node owns each of the others, and the ownership epoch this node
 * last held for each slot. Read from every event loop, changed only by the node's hand-over: the table
 * is an immutable snapshot, replaced whole, and those who follow moves are told of each new one.
 *
 * <p>The epoch is the fencing token: a node takes a fresh one from Redis each time it starts serving a
 * slot, carries it into every write of the slot's users, and Redis refuses a write whose epoch is
 * older than one it has seen for that user. A node that lost a slot without knowing it keeps its old
 * epoch, so its late writes can never overwrite the new owner's.
 */
public final class Ownership
{
    /** One view of the cluster: its nodes, the owners of the slots, and whether this node serves each now. */
    private record Table(List<Node> nodes, Node[] owners, boolean[] serving)
    {
    }

    private final Node self;
    private final AtomicReference<Table> table;
    private final AtomicLongArray epochs = new AtomicLongArray(Slots.COUNT);
    private final List<Runnable> followers = new CopyOnWriteArrayList<>();
    private final List<IntConsumer> losers = new CopyOnWriteArrayList<>();
    private final boolean alone;
    /** Until when, on {@link System#nanoTime}, this node may answer from memory; see {@link #renewLease}. */
    private volatile long leaseUntil;

    private Ownership(final Node self, final boolean alone)
    {
        this.self = self;
        this.alone = alone;
        final Node[] owners = new Node[Slots.COUNT];
        final boolean[] serving = new boolean[Slots.COUNT];
        Arrays.fill(owners, self);
        Arrays.fill(serving, alone);
        this.table = new AtomicReference<>(new Table(List.of(self), owners, serving));
    }

    /** A node alone, a cluster of one: it serves every slot, at epoch 0, which Redis never refuses. */
    public static Ownership alone(final Node self)
    {
        return new Ownership(self, true);
    }

    /** A node of a cluster: it serves nothing until the hand-over gives it slots. */
    public static Ownership member(final Node self)
    {
        return new Ownership(self, false);
    }

    public Node self()
    {
        return self;
    }

    /** @return true for a node configured to run alone, false for a member of a cluster */
    public boolean alone()
    {
        return alone;
    }

    /** @return true if the node is this one. */
    public boolean isSelf(final Node node)
    {
        return node.name().equals(self.name());
    }

    /** @return true if this node serves the user's slot now, under a lease that has not run out. */
    public boolean serves(final long userId)
    {
        return table.get().serving()[Slots.of(userId)] && leased();
    }

    /**
     * @return true while this node holds a lease: a quorum of its cluster answered it recently enough
     * that none of them can have let another node take its slots yet. A node alone always does.
     */
    public boolean leased()
    {
        return alone || System.nanoTime() - leaseUntil < 0;
    }

    /** Ends the lease now: what this node held under it is in doubt, and a new one must be granted. */
    public void endLease()
    {
        synchronized (this)
        {
            leaseUntil = System.nanoTime();
        }
    }

    /** Extends the lease to {@code until} (on {@link System#nanoTime}); a lease never shrinks but by {@link #endLease}. */
    public void renewLease(final long until)
    {
        synchronized (this)
        {
            if (until - leaseUntil > 0)
            {
                leaseUntil = until;
            }
        }
    }

    public boolean serving(final int slot)
    {
        return table.get().serving()[slot];
    }

    /** @return the node that owns the user's slot, as this node sees the cluster. */
    public Node ownerOf(final long userId)
    {
        return table.get().owners()[Slots.of(userId)];
    }

    public Node ownerOfSlot(final int slot)
    {
        return table.get().owners()[slot];
    }

    /** @return the epoch to carry into a write of the user's read states. */
    public long epochOf(final long userId)
    {
        return epochs.get(Slots.of(userId));
    }

    /** @return the epoch this node last held for the slot, 0 if it never held it. */
    public long epochOfSlot(final int slot)
    {
        return epochs.get(slot);
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

    /** @return the nodes, as this node last saw them. */
    public List<Node> nodes()
    {
        return table.get().nodes();
    }

    /** Runs {@code follower} (on the hand-over's thread) after every change of the owners. */
    public void follow(final Runnable follower)
    {
        followers.add(follower);
    }

    /** A new view of the cluster; this node serves exactly the slots of {@code serving}. */
    public void update(final List<Node> nodes, final Node[] owners, final boolean[] serving)
    {
        final Table before = table.getAndSet(new Table(List.copyOf(nodes), owners.clone(), serving.clone()));
        if (!Arrays.equals(before.owners(), owners))
        {
            followers.forEach(Runnable::run);
        }
    }

    /** Starts serving a slot under a new epoch. */
    public void serve(final int slot, final long epoch)
    {
        epochs.set(slot, epoch);
        setServing(slot, true);
    }

    /** Runs {@code loser} with every slot this node was serving when it learned it had lost it; see {@link #lost}. */
    public void onLost(final IntConsumer loser)
    {
        losers.add(loser);
    }

    /**
     * Redis refused a load or a write of the user: another node took its slot under a newer epoch. This
     * node stops serving the slot at once; its hand-over then finds out who owns it now.
     */
    public void lost(final long userId)
    {
        final int slot = Slots.of(userId);
        if (table.get().serving()[slot])
        {
            stopServing(slot);
            losers.forEach(loser -> loser.accept(slot));
        }
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
            return new Table(t.nodes(), t.owners(), serving);
        });
    }
}
