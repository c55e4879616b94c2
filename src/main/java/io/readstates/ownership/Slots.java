package io.readstates.ownership;

import java.util.List;

/**
 * Users map to a fixed number of slots, and slots to nodes. Both functions are part of the service's
 * contract (docs/cluster.md gives them with test vectors): a caller in any language computes a user's
 * slot, looks its owner up in the slot map of {@code GET /v1/cluster}, and sends there. They are written
 * out here, not borrowed from the store's hashing, so that nothing else can change them by accident.
 */
public final class Slots
{
    public static final int COUNT = 1024;

    /** Salts the user id so that a node's slots do not all land on the same few of its shards. */
    private static final long SALT = 0x5DEECE66DL;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Slots()
    {
    }

    /** @return the user's slot: fmix64(userId XOR 0x5DEECE66D), as an unsigned number, modulo 1024. */
    public static int of(final long userId)
    {
        return (int)Long.remainderUnsigned(fmix64(userId ^ SALT), COUNT);
    }

    /**
     * Rendezvous hashing over stable node names: the node with the highest score for the slot owns it,
     * so a node that leaves and comes back under the same name takes back exactly the slots it held,
     * and a join or a leave moves only the slots that node wins or held.
     *
     * @return the index in {@code nodes} of the slot's owner
     */
    public static int ownerIndex(final int slot, final List<String> nodes)
    {
        int best = -1;
        long bestScore = 0;
        for (int i = 0; i < nodes.size(); i++)
        {
            final long score = score(nodes.get(i), slot);
            if (best < 0 || Long.compareUnsigned(score, bestScore) > 0)
            {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /** @return the score of a node for a slot: fmix64(slot * golden + fmix64(FNV-1a of the name's UTF-8)). */
    static long score(final String node, final int slot)
    {
        return fmix64(slot * GOLDEN + fmix64(fnv1a(node)));
    }

    /** FNV-1a, 64 bits, over the name's UTF-8 bytes: the same in every language, unlike String.hashCode. */
    private static long fnv1a(final String name)
    {
        long h = 0xcbf29ce484222325L;
        for (final byte b : name.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Murmur3's 64-bit finalizer. */
    private static long fmix64(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
