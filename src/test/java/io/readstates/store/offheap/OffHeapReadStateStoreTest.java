package io.readstates.store.offheap;

import io.readstates.store.ReadStateStore;
import io.readstates.store.LoadedUser;
import io.readstates.store.Outcome;
import io.readstates.store.ReadState;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is particular to the off-heap store: sizing from a byte budget. */
class OffHeapReadStateStoreTest
{
    @Test
    void shouldFitItsWholeFootprintInTheByteBudget()
    {
        final long budget = 64L << 20;
        try (OffHeapReadStateStore store = OffHeapReadStateStore.withCapacityBytes(budget))
        {
            assertTrue(store.memoryBytes() <= budget, "footprint " + store.memoryBytes());
            assertTrue(store.memoryBytes() > budget * 95 / 100, "budget mostly used: " + store.memoryBytes());
            final double perRecord = (double)store.memoryBytes() / store.recordCapacity();
            assertTrue(perRecord <= 64, "bytes per read state: " + perRecord);
            assertEquals(store.recordCapacity() / ReadStateStore.DEFAULT_RECORDS_PER_USER, store.userCapacity());
        }
    }

    @Test
    void shouldRejectABudgetTooSmallForOneReadState()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> OffHeapReadStateStore.withCapacityBytes(10));
        assertTrue(e.getMessage().contains("10 bytes"), e.getMessage());
    }

    @Test
    void shouldFillEveryRecordSlotThroughIndexCollisions()
    {
        try (OffHeapReadStateStore store = new OffHeapReadStateStore(10_000, 1))
        {
            store.install(1, new LoadedUser());
            for (long c = 0; c < 10_000; c++)
            {
                assertEquals(Outcome.CHANGED, store.ack(1, c * 1_000_003L, c + 1));
            }
            assertEquals(Outcome.FULL, store.ack(1, -5, 1));
            final ReadState state = new ReadState();
            for (long c = 0; c < 10_000; c++)
            {
                assertTrue(store.get(1, c * 1_000_003L, state));
                assertEquals(c + 1, state.lastReadMessageId);
            }
        }
    }
}
