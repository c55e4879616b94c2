package io.readstates.store;

/**
 * An open-addressing hash index from a key to a slot number, in native memory, with linear probing.
 *
 * <p>Buckets hold {@code slot + 1}, so zeroed memory is an empty index. The table is sized once, for
 * the most slots the store can hold, and never grows: a rehash would be a pause proportional to the
 * whole table on the hot path. Its size need not be a power of two: a hash is mapped to a bucket by
 * multiply-and-shift, so the load factor is what was asked for, not whatever a power of two rounds
 * it to. Removal shifts later entries of the probe chain back instead of leaving tombstones.
 *
 * <p>Keys live in the slots, not here; the owner probes with {@link #home}, {@link #slotAt} and
 * {@link #next}, comparing keys itself.
 */
final class OffHeapIndex implements AutoCloseable
{
    static final int EMPTY = -1;

    /** Gives the hash of the key held in a slot, so that removal can tell where an entry belongs. */
    interface SlotHash
    {
        long hashOf(int slot);
    }

    private final OffHeapArray buckets;
    private final int bucketCount;

    OffHeapIndex(final int slots, final double loadFactor)
    {
        final long count = Math.max((long)Math.ceil(slots / loadFactor), slots + 1L);
        if (count > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("too many slots for one index: " + slots);
        }
        this.bucketCount = (int)count;
        this.buckets = new OffHeapArray(bucketCount, Integer.BYTES, true);
    }

    long bytes()
    {
        return buckets.bytes();
    }

    /** @return the bucket where a key with this hash is first looked for. */
    int home(final long hash)
    {
        return (int)(((hash >>> 32) * bucketCount) >>> 32);
    }

    int next(final int bucket)
    {
        final int next = bucket + 1;
        return next == bucketCount ? 0 : next;
    }

    /** @return the slot held in a bucket, or {@link #EMPTY}. */
    int slotAt(final int bucket)
    {
        return buckets.getInt(bucket, 0) - 1;
    }

    /** Puts a slot into the first empty bucket of the chain starting at {@code home}. */
    void insert(final int home, final int slot)
    {
        int bucket = home;
        while (buckets.getInt(bucket, 0) != 0)
        {
            bucket = next(bucket);
        }
        buckets.putInt(bucket, 0, slot + 1);
    }

    /** Empties a bucket and moves back the entries after it that would otherwise no longer be found. */
    void removeAt(final int bucket, final SlotHash hashes)
    {
        int hole = bucket;
        int probe = bucket;
        while (true)
        {
            probe = next(probe);
            final int slot = slotAt(probe);
            if (slot == EMPTY)
            {
                break;
            }
            final int home = home(hashes.hashOf(slot));
            final boolean reachableWithoutHole = hole <= probe ?
                hole < home && home <= probe :
                hole < home || home <= probe;
            if (!reachableWithoutHole)
            {
                buckets.putInt(hole, 0, slot + 1);
                hole = probe;
            }
        }
        buckets.putInt(hole, 0, 0);
    }

    @Override
    public void close()
    {
        buckets.close();
    }
}
