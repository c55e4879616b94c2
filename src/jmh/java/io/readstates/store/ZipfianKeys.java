package io.readstates.store;

import java.util.SplittableRandom;

/**
 * A precomputed sequence of item indexes drawn from a Zipfian distribution, scrambled so that popular
 * items are spread over the key space rather than packed at its start. Benchmarks index it with
 * {@code keys[i++ & MASK]}, so drawing a key costs nothing and allocates nothing.
 */
final class ZipfianKeys
{
    static final int SIZE = 1 << 20;
    static final int MASK = SIZE - 1;

    private ZipfianKeys()
    {
    }

    /** @return {@link #SIZE} indexes in [0, items), item of rank k drawn with probability ~ 1/k^exponent. */
    static int[] draw(final int items, final double exponent, final long seed)
    {
        final double[] cumulative = new double[items];
        double sum = 0;
        for (int k = 0; k < items; k++)
        {
            sum += 1.0 / Math.pow(k + 1, exponent);
            cumulative[k] = sum;
        }
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] keys = new int[SIZE];
        for (int i = 0; i < SIZE; i++)
        {
            final double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = items - 1;
            while (lo < hi)
            {
                final int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            keys[i] = scramble(lo, items);
        }
        return keys;
    }

    /** A fixed permutation-like spread of ranks over [0, items). */
    private static int scramble(final int rank, final int items)
    {
        long h = rank * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return (int)Long.remainderUnsigned(h, items);
    }
}
