package io.readstates.store.offheap;

/**
 * An open-addressing hash index from a key to a slot number, in native memory, with linear probing.
 *
 * <p>A bucket is one int: the slot number plus one in its low {@value #SLOT_BITS} bits (so zeroed
 * memory is an empty index) and a few more bits of the key's hash above them. A probe compares those
 * bits first and reads the slot, a likely cache miss, only when they match: without them every
 * collision on the way would cost a trip to memory.
 *
 * <p>The table is sized once, for the most slots the store can hold, and never grows: a rehash would
 * be a pause proportional to the whole table on the hot path. Removal shifts later entries of the
 * probe chain back instead of leaving tombstones (see {@link Probing}).
 *
 * <p>Keys live in the slots, not here; the owner probes with {@link #home}, {@link #candidate} and
 * {@link #next}, comparing keys itself.
 */
final class OffHeapIndex implements AutoCloseable
{
    /** Bits of a bucket that hold the slot number plus one; the rest hold hash bits. */
    static final int SLOT_BITS = 27;
    /** The most slots one index can address. */
    static final int MAX_SLOTS = (1 << SLOT_BITS) - 2;
    /** {@link #candidate}: the chain ends here, the key is absent. */
    static final int END = -1;
    /** {@link #candidate}: this bucket holds another key; probe on. */
    static final int OTHER = -2;

    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;

    /** Gives the hash of the key held in a slot, so that removal can tell where an entry belongs. */
    interface SlotHash
    {
        long hashOf(int slot);
    }

    private final OffHeapArray buckets;
    private final Probing probing;
    private final int bucketCount;

    OffHeapIndex(final int slots, final double loadFactor)
    {
        if (slots > MAX_SLOTS)
        {
            throw new IllegalArgumentException("too many slots for one index: " + slots + " > " + MAX_SLOTS);
        }
        this.probing = new Probing(slots, loadFactor);
        this.bucketCount = probing.buckets();
        this.buckets = new OffHeapArray(bucketCount, Integer.BYTES, true);
    }

    long bytes()
    {
        return buckets.bytes();
    }

    /** @return the bucket where a key with this hash is first looked for. */
    int home(final long hash)
    {
        return probing.home(hash);
    }

    int next(final int bucket)
    {
        return probing.next(bucket);
    }

    /**
     * @return the slot in {@code bucket} if its hash bits match {@code hash}'s, else {@link #OTHER},
     * or {@link #END} if the bucket is empty.
     */
    int candidate(final int bucket, final long hash)
    {
        final int entry = buckets.getInt(bucket, 0);
        if (entry == 0)
        {
            return END;
        }
        return (entry >>> SLOT_BITS) == tag(hash) ? (entry & SLOT_MASK) - 1 : OTHER;
    }

    /**
     * @return the bucket that holds {@code slot}, whose key has this hash.
     * @throws IllegalStateException if the slot is not in the index: the tables disagree, a bug.
     */
    int bucketOf(final long hash, final int slot)
    {
        int bucket = home(hash);
        for (int probes = 0; probes < bucketCount; probes++)
        {
            final int entry = buckets.getInt(bucket, 0);
            if (entry == 0)
            {
                break;
            }
            if ((entry & SLOT_MASK) - 1 == slot)
            {
                return bucket;
            }
            bucket = next(bucket);
        }
        throw new IllegalStateException("slot " + slot + " is missing from the index");
    }

    /**
     * Checks that the index holds {@code expected} entries and that each can be found from its home
     * bucket, with the right hash bits.
     *
     * @throws IllegalStateException naming the first entry that breaks it.
     */
    void checkInvariants(final SlotHash hashes, final int expected)
    {
        int entries = 0;
        for (int b = 0; b < bucketCount; b++)
        {
            final int entry = buckets.getInt(b, 0);
            if (entry == 0)
            {
                continue;
            }
            entries++;
            final int slot = (entry & SLOT_MASK) - 1;
            final long hash = hashes.hashOf(slot);
            if (entry != entry(hash, slot))
            {
                throw new IllegalStateException("bucket " + b + " holds slot " + slot + " with hash bits of another key");
            }
            if (bucketOf(hash, slot) != b)
            {
                throw new IllegalStateException("slot " + slot + " is indexed twice");
            }
        }
        if (entries != expected)
        {
            throw new IllegalStateException("the index holds " + entries + " entries, expected " + expected);
        }
    }

    /** Puts a slot, whose key has this hash, into the first empty bucket of its chain. */
    void insert(final long hash, final int slot)
    {
        int bucket = home(hash);
        while (buckets.getInt(bucket, 0) != 0)
        {
            bucket = next(bucket);
        }
        buckets.putInt(bucket, 0, entry(hash, slot));
    }

    /**
     * Removes a slot, whose key has this hash, and moves back the entries after it that would
     * otherwise no longer be found.
     */
    void remove(final long hash, final int slot, final SlotHash hashes)
    {
        final int bucket = bucketOf(hash, slot);
        int hole = bucket;
        int probe = bucket;
        while (true)
        {
            probe = next(probe);
            final int entry = buckets.getInt(probe, 0);
            if (entry == 0)
            {
                break;
            }
            final int home = home(hashes.hashOf((entry & SLOT_MASK) - 1));
            if (probing.mustFill(hole, home, probe))
            {
                buckets.putInt(hole, 0, entry);
                hole = probe;
            }
        }
        buckets.putInt(hole, 0, 0);
    }

    private static int tag(final long hash)
    {
        return (int)hash & ((1 << (Integer.SIZE - SLOT_BITS)) - 1);
    }

    private static int entry(final long hash, final int slot)
    {
        return (tag(hash) << SLOT_BITS) | (slot + 1);
    }

    @Override
    public void close()
    {
        buckets.close();
    }
}
