package io.readstates.store.offheap;

/**
 * Linear probing over a fixed number of buckets, for both indexes: where a hash is first looked for,
 * where a probe goes next (wrapping at the end), and which entries backward-shift deletion moves.
 *
 * <p>The number of buckets need not be a power of two: a hash is mapped to a bucket by
 * multiply-and-shift, so the load factor is what was asked for, not whatever a power of two rounds it to.
 */
final class Probing
{
    private final int buckets;

    /** Buckets for {@code slots} entries at {@code loadFactor}, and always at least one empty. */
    Probing(final int slots, final double loadFactor)
    {
        this.buckets = (int)Math.max((long)Math.ceil(slots / loadFactor), slots + 1L);
    }

    int buckets()
    {
        return buckets;
    }

    /** @return the bucket where a key with this hash is first looked for. */
    int home(final long hash)
    {
        return (int)(((hash >>> 32) * buckets) >>> 32);
    }

    int next(final int bucket)
    {
        final int next = bucket + 1;
        return next == buckets ? 0 : next;
    }

    /**
     * Backward-shift deletion: with {@code hole} emptied, whether the entry at {@code probe}, later on
     * the same run, whose home is {@code home}, would no longer be found and must move into the hole.
     */
    boolean mustFill(final int hole, final int home, final int probe)
    {
        final boolean reachableWithoutHole = hole <= probe ?
            hole < home && home <= probe :
            hole < home || home <= probe;
        return !reachableWithoutHole;
    }
}
