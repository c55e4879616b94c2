package io.readstates.cluster;

import io.readstates.store.offheap.Hashing;

import java.util.List;

/**
 * Users map to a fixed number of slots, and slots to members. The number never changes, so every
 * node, whatever its version or its view of the cluster, puts a user in the same slot.
 */
public final class Slots
{
    public static final int COUNT = 1024;

    /** Salts the user id so that a node's slots do not all land on the same few of its shards. */
    private static final long SALT = 0x5DEECE66DL;

    private Slots()
    {
    }

    public static int of(final long userId)
    {
        return Hashing.bucket(userId ^ SALT, COUNT);
    }

    /**
     * Rendezvous hashing: the member with the highest hash of (member, slot) owns the slot. When a
     * member joins or leaves, only the slots it wins or held move; every node that sees the same
     * members computes the same owner.
     *
     * @return the index in {@code members} of the slot's owner
     */
    public static int ownerIndex(final int slot, final List<String> members)
    {
        int best = -1;
        long bestScore = 0;
        for (int i = 0; i < members.size(); i++)
        {
            final long score = Hashing.mixPair(Hashing.mix(members.get(i).hashCode()), slot);
            if (best < 0 || Long.compareUnsigned(score, bestScore) > 0)
            {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }
}
