package io.readstates.load;

import io.readstates.store.offheap.Hashing;

import java.util.SplittableRandom;

/**
 * Draws item indexes from a Zipfian distribution (item of rank k with probability ~ 1/k^s). Ranks are
 * scrambled over the items so that popular ones are spread over the id space. The cumulative table is
 * built once; a draw is a binary search.
 */
public final class Zipf
{
    private final double[] cumulative;
    private final double total;

    public Zipf(final int items, final double exponent)
    {
        cumulative = new double[items];
        double sum = 0;
        for (int k = 0; k < items; k++)
        {
            sum += 1.0 / Math.pow(k + 1, exponent);
            cumulative[k] = sum;
        }
        total = sum;
    }

    /** @return an item index in [0, items). */
    public int next(final SplittableRandom random)
    {
        final double u = random.nextDouble() * total;
        int lo = 0;
        int hi = cumulative.length - 1;
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
        long h = Hashing.scramble(lo);
        h ^= h >>> 29;
        return (int)Long.remainderUnsigned(h, cumulative.length);
    }
}
