package io.readstates.bench;

import io.readstates.store.*;
import io.readstates.store.offheap.*;
import io.readstates.store.onheap.*;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Measures what 8,000,000 read states cost ({@code -Dbench.users=} times 8 for another size;
 * {@code -Dbench.onheap=false} skips the on-heap baseline, which a large size would not fit in the heap): native bytes per read state for the off-heap store (all of
 * it, indexes included), and retained heap per read state for the on-heap baseline, from heap usage
 * after full collections before and after filling. Also shows that the off-heap store's heap does not
 * grow with its records.
 *
 * <p>Run: {@code mvn package -DskipTests && java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Xmx6g -cp target/readstates-bench.jar io.readstates.bench.MemoryFootprint}
 */
public final class MemoryFootprint
{
    private MemoryFootprint()
    {
    }

    public static void main(final String[] args)
    {
        final int records = BenchData.readStates(BenchData.USERS);
        // Planned for the users it holds, then for the default, which plans twice the user slots they need.
        for (final int perUser : new int[] {BenchData.CHANNELS_PER_USER, ReadStateStore.DEFAULT_RECORDS_PER_USER})
        {
            offHeap(records, perUser);
        }
        if (!Boolean.parseBoolean(System.getProperty("bench.onheap", "true")))
        {
            return;
        }

        final long onHeapBefore = usedHeapAfterGc();
        try (OnHeapReadStateStore store = new OnHeapReadStateStore(records, records / BenchData.CHANNELS_PER_USER))
        {
            BenchData.fill(store, BenchData.USERS);
            final long onHeapAfter = usedHeapAfterGc();
            System.out.printf("on-heap:  %,d read states, %,d heap bytes retained, %.1f B per read state%n",
                store.readStates(), onHeapAfter - onHeapBefore, (double)(onHeapAfter - onHeapBefore) / store.readStates());
        }
    }

    private static void offHeap(final int records, final int perUser)
    {
        final long heapBefore = usedHeapAfterGc();
        try (OffHeapReadStateStore store = new OffHeapReadStateStore(records, records / perUser))
        {
            final long heapEmpty = usedHeapAfterGc();
            final long began = System.nanoTime();
            BenchData.fill(store, BenchData.USERS);
            final long fillMs = (System.nanoTime() - began) / 1_000_000;
            final long heapFull = usedHeapAfterGc();
            System.out.printf("off-heap, planned for %d read states per user: %,d read states, %,d native bytes, " +
                    "%.1f B per read state; heap %+,d B for the empty store, %+,d B while filling it; filled in %,d ms%n",
                perUser, store.readStates(), store.memoryBytes(), (double)store.memoryBytes() / store.readStates(),
                heapEmpty - heapBefore, heapFull - heapEmpty, fillMs);
        }
    }

    private static long usedHeapAfterGc()
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
