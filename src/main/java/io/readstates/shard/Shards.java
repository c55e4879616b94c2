package io.readstates.shard;

import io.readstates.store.offheap.Hashing;

import java.util.List;

/**
 * Routes a user to the shard that owns it: shard = hash(userId) mod N. A channel has a home shard the
 * same way, which is the one that writes the channel to Redis. The array never changes after start-up,
 * so it is safe to read from any event loop.
 */
public final class Shards
{
    private final Shard[] shards;

    public Shards(final List<Shard> shards)
    {
        this.shards = shards.toArray(new Shard[0]);
    }

    /** @return the index of the shard that owns a user. */
    public static int indexOf(final long userId, final int shardCount)
    {
        return Hashing.bucket(userId, shardCount);
    }

    public Shard ofUser(final long userId)
    {
        return shards[indexOf(userId, shards.length)];
    }

    public int indexOfUser(final long userId)
    {
        return indexOf(userId, shards.length);
    }

    public int homeOfChannel(final long channelId)
    {
        return Hashing.bucket(channelId, shards.length);
    }

    public int count()
    {
        return shards.length;
    }

    public Shard get(final int index)
    {
        return shards[index];
    }
}
