package io.readstates.store.offheap;

/**
 * Every hash mixer of the service. Snowflake ids share their high bits (a timestamp) and differ in
 * their low ones, so an id is mixed before any of its bits choose a bucket, a slot or a shard.
 */
public final class Hashing
{
    /** The golden ratio in 64 bits: multiplying by it spreads consecutive values over the whole word. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Hashing()
    {
    }

    /** Murmur3's 64-bit finalizer: every bit of the value affects every bit of the result. */
    public static long mix(final long value)
    {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** One hash of a pair of ids, such as (user, channel). */
    public static long mixPair(final long first, final long second)
    {
        return mix(second * GOLDEN + first);
    }

    /** @return a bucket from 0 to {@code buckets - 1} for an id, spread evenly whatever the ids' pattern. */
    public static int bucket(final long value, final int buckets)
    {
        return (int)Long.remainderUnsigned(mix(value), buckets);
    }

    /** A cheap scramble of a counter into a well-spread 64-bit value, for generators of test and benchmark keys. */
    public static long scramble(final long value)
    {
        return value * GOLDEN;
    }
}
