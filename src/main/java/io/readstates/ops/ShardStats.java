package io.readstates.ops;

/**
 * A shard's counters as last published on the shard's event loop (by the shard, and by the gateway's
 * sessions of the shard for the session figures), for readers on other threads (metrics, health).
 * The shard's loop writes, everyone else reads: the store's hot path never sees a reader, a lock or an
 * allocation; the store's figures are at most one publication interval old.
 */
public final class ShardStats
{
    public volatile boolean started;
    public volatile boolean redisReachable = true;
    public volatile long residentUsers;
    public volatile long readStates;
    public volatile long offHeapBytes;
    public volatile long dirtyRecords;
    public volatile long pendingLoads;
    public volatile long hits;
    public volatile long misses;
    public volatile long evictions;
    public volatile long loadFailures;
    public volatile long flushBatches;
    public volatile long recordsWritten;
    public volatile long redisErrors;
    public volatile long fencedWrites;
    public volatile long writeConflicts;
    public volatile long redisReconnects;
    public volatile long sessions;
    public volatile long pushes;
    public volatile long channels;
}
