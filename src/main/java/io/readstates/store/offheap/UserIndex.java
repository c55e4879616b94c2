package io.readstates.store.offheap;

import static io.readstates.store.offheap.OffHeapArray.NIL;

/**
 * An open-addressing hash index from a user id to its slot in the {@link UserTable}, in native memory,
 * with linear probing and backward-shift deletion (see {@link Probing}).
 *
 * <pre>
 *   0          8            12
 *   +----------+------------+
 *   | user id  | slot + 1   |
 *   +----------+------------+
 *    long       int (0: empty)
 * </pre>
 *
 * <p>Unlike the record index, a bucket holds its whole key. A lookup of a user then ends in the line it
 * lands on, and runs beside the lookup of the record (whose address does not depend on it) instead of
 * before it: the record names its user by slot, and the slot comes from here, checked. The 8 more bytes
 * per bucket cost about 1.3 bytes per read state with 8 read states per user.
 */
final class UserIndex implements AutoCloseable
{
    private static final int USER_ID_OFFSET = 0;
    private static final int SLOT_OFFSET = USER_ID_OFFSET + Long.BYTES;
    /** Bytes per bucket. */
    static final int BUCKET_BYTES = SLOT_OFFSET + Integer.BYTES;

    private final Probing probing;
    private final OffHeapArray buckets;

    UserIndex(final int slots, final double loadFactor)
    {
        this.probing = new Probing(slots, loadFactor);
        this.buckets = new OffHeapArray(probing.buckets(), BUCKET_BYTES, true);
    }

    long bytes()
    {
        return buckets.bytes();
    }

    /** @return the user's slot, or {@code NIL} if it is not indexed. */
    int find(final long userId)
    {
        final int bucket = bucketOf(userId);
        return bucket == NIL ? NIL : buckets.getInt(bucket, SLOT_OFFSET) - 1;
    }

    /** @return the bucket that holds the user, or {@code NIL}. */
    private int bucketOf(final long userId)
    {
        final OffHeapArray buckets = this.buckets;
        for (int b = probing.home(Hashing.mix(userId)); ; b = probing.next(b))
        {
            if (buckets.getInt(b, SLOT_OFFSET) == 0)
            {
                return NIL;
            }
            if (buckets.getLong(b, USER_ID_OFFSET) == userId)
            {
                return b;
            }
        }
    }

    /** Indexes a user that is not indexed yet. */
    void insert(final long userId, final int slot)
    {
        int b = probing.home(Hashing.mix(userId));
        while (buckets.getInt(b, SLOT_OFFSET) != 0)
        {
            b = probing.next(b);
        }
        buckets.putLong(b, USER_ID_OFFSET, userId);
        buckets.putInt(b, SLOT_OFFSET, slot + 1);
    }

    /** Removes an indexed user, and moves back the entries after it that would otherwise no longer be found. */
    void remove(final long userId)
    {
        int hole = bucketOf(userId);
        if (hole == NIL)
        {
            throw new IllegalStateException("user " + Long.toUnsignedString(userId) + " is missing from the index");
        }
        for (int probe = probing.next(hole); buckets.getInt(probe, SLOT_OFFSET) != 0; probe = probing.next(probe))
        {
            final long movable = buckets.getLong(probe, USER_ID_OFFSET);
            if (probing.mustFill(hole, probing.home(Hashing.mix(movable)), probe))
            {
                buckets.putLong(hole, USER_ID_OFFSET, movable);
                buckets.putInt(hole, SLOT_OFFSET, buckets.getInt(probe, SLOT_OFFSET));
                hole = probe;
            }
        }
        buckets.putInt(hole, SLOT_OFFSET, 0);
    }

    /**
     * Checks that the index holds {@code expected} entries, each found from its home bucket, no user twice.
     *
     * @throws IllegalStateException naming the first entry that breaks it.
     */
    void checkInvariants(final int expected)
    {
        int entries = 0;
        for (int b = 0; b < probing.buckets(); b++)
        {
            final int slot = buckets.getInt(b, SLOT_OFFSET) - 1;
            if (slot == NIL)
            {
                continue;
            }
            entries++;
            final long userId = buckets.getLong(b, USER_ID_OFFSET);
            if (find(userId) != slot)
            {
                throw new IllegalStateException("user " + Long.toUnsignedString(userId) + " in bucket " + b +
                    " is not found there from its home, or is indexed twice");
            }
        }
        if (entries != expected)
        {
            throw new IllegalStateException("the user index holds " + entries + " entries, expected " + expected);
        }
    }

    @Override
    public void close()
    {
        buckets.close();
    }
}
