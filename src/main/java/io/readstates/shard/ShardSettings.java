package io.readstates.shard;

import io.readstates.config.Settings;
import io.readstates.persist.RedisTarget;
import io.readstates.store.ReadStateStore;
import io.readstates.store.offheap.OffHeapReadStateStore;
import io.readstates.store.onheap.OnHeapReadStateStore;

/**
 * What one shard needs to know, derived once from the service's settings.
 *
 * @param cacheBytes this shard's share of the cache
 * @param readStatesPerUser the read states per user its cache is planned for
 */
public record ShardSettings(int index, RedisTarget redis, Settings.StoreKind store, long cacheBytes, int readStatesPerUser,
    long flushIntervalMs, int flushBatchRecords, long shutdownTimeoutMs, long messageRetryWindowMs)
{
    /** Messages a shard remembers at most to recognise a retry: 1 MiB a shard. */
    private static final int RECENT_MESSAGES = 65_536;

    /** Shard {@code index} of the service: the cache is split evenly over the shards. */
    public static ShardSettings of(final Settings settings, final int index, final RedisTarget redis)
    {
        return new ShardSettings(index, redis, settings.store, settings.cacheBytes / settings.shards, settings.readStatesPerUser,
            settings.flushIntervalMs, settings.flushBatchRecords, settings.shutdownTimeoutMs, settings.messageRetryWindowMs);
    }

    /** An empty memory of the messages this shard counted lately. */
    RecentMessages newRecentMessages()
    {
        return new RecentMessages(messageRetryWindowMs, RECENT_MESSAGES);
    }

    /** A new, empty store of this shard's kind and size. */
    ReadStateStore newStore()
    {
        return store == Settings.StoreKind.ONHEAP ?
            OnHeapReadStateStore.withCapacityBytes(cacheBytes, readStatesPerUser) :
            OffHeapReadStateStore.withCapacityBytes(cacheBytes, readStatesPerUser);
    }

    /** @return a name for logs and pools. */
    String name()
    {
        return "shard " + index;
    }
}
