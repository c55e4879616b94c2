package io.readstates.store;

import io.readstates.store.offheap.OffHeapReadStateStore;
import io.readstates.store.onheap.OnHeapReadStateStore;

import java.util.function.BiFunction;

/** The store implementations that must all keep the same contract. */
enum Stores
{
    OFF_HEAP(OffHeapReadStateStore::new),
    ON_HEAP(OnHeapReadStateStore::new);

    private final BiFunction<Integer, Integer, ReadStateStore> factory;

    Stores(final BiFunction<Integer, Integer, ReadStateStore> factory)
    {
        this.factory = factory;
    }

    ReadStateStore create(final int recordCapacity, final int userCapacity)
    {
        return factory.apply(recordCapacity, userCapacity);
    }
}
