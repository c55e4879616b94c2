package io.readstates.bench;

import io.readstates.store.*;
import io.readstates.store.offheap.*;
import io.readstates.store.onheap.*;

import io.readstates.load.Zipf;

import java.util.SplittableRandom;

/**
 * A precomputed sequence of item indexes drawn from a Zipfian distribution (popular items spread over
 * the key space). Benchmarks index it with {@code keys[i++ & MASK]}, so drawing a key costs nothing and
 * allocates nothing.
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
        final Zipf zipf = new Zipf(items, exponent);
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] keys = new int[SIZE];
        for (int i = 0; i < SIZE; i++)
        {
            keys[i] = zipf.next(random);
        }
        return keys;
    }
}
