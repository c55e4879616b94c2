package io.readstates.store.offheap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Probe chains that run off the end of the table continue at its start, and removal keeps them whole. */
class OffHeapIndexTest
{
    /** Hashes whose home is the last bucket, differing only in the low bits (the tag). */
    private static final long[] HASHES = {0xFFFF_FFFF_0000_0001L, 0xFFFF_FFFF_0000_0002L, 0xFFFF_FFFF_0000_0003L};

    private final OffHeapIndex.SlotHash hashes = slot -> HASHES[slot];

    @Test
    void shouldWrapAChainFromTheLastBucketToTheFirst()
    {
        try (OffHeapIndex index = new OffHeapIndex(4, 0.99))
        {
            final int last = index.home(HASHES[0]);
            assertEquals(4, last, "a table of 5 buckets, every hash at home in the last");
            for (int slot = 0; slot < HASHES.length; slot++)
            {
                index.insert(HASHES[slot], slot);
            }
            assertEquals(4, index.bucketOf(HASHES[0], 0));
            assertEquals(0, index.bucketOf(HASHES[1], 1));
            assertEquals(1, index.bucketOf(HASHES[2], 2));
            index.checkInvariants(hashes, 3);
        }
    }

    @Test
    void shouldShiftWrappedEntriesBackAcrossTheEndOnRemoval()
    {
        try (OffHeapIndex index = new OffHeapIndex(4, 0.99))
        {
            for (int slot = 0; slot < HASHES.length; slot++)
            {
                index.insert(HASHES[slot], slot);
            }
            index.remove(HASHES[0], 0, hashes);

            assertEquals(4, index.bucketOf(HASHES[1], 1), "moved back into the last bucket, its home");
            assertEquals(0, index.bucketOf(HASHES[2], 2));
            assertEquals(OffHeapIndex.END, index.candidate(1, HASHES[2]), "the bucket it left is empty");
            index.checkInvariants(slot -> HASHES[slot], 2);
        }
    }

    @Test
    void shouldFailLoudlyWhenAnEntryIsMissing()
    {
        try (OffHeapIndex index = new OffHeapIndex(4, 0.99))
        {
            index.insert(HASHES[0], 0);
            final IllegalStateException e = assertThrows(IllegalStateException.class, () -> index.bucketOf(HASHES[1], 1));
            assertEquals("slot 1 is missing from the index", e.getMessage());
            assertThrows(IllegalStateException.class, () -> index.checkInvariants(hashes, 2));
        }
    }
}
