package io.readstates.store;

import java.util.Arrays;

/**
 * All the read states of one user as loaded from durable storage, in columns of primitives so that the
 * holder can be reused for every load. Channel ids are expected to be distinct; if one repeats, the
 * last entry wins.
 */
public final class LoadedUser
{
    private long[] channelIds = new long[16];
    private long[] lastReads = new long[16];
    private int[] mentions = new int[16];
    private long[] versions = new long[16];
    private int size;

    public LoadedUser clear()
    {
        size = 0;
        return this;
    }

    /** @throws IllegalArgumentException if the version is out of range (see {@link ReadStateRules#MAX_VERSION}). */
    public LoadedUser add(final long channelId, final long lastReadMessageId, final int mentionCount, final long version)
    {
        ReadStateRules.checkVersion(version);
        if (size == channelIds.length)
        {
            final int capacity = size * 2;
            channelIds = Arrays.copyOf(channelIds, capacity);
            lastReads = Arrays.copyOf(lastReads, capacity);
            mentions = Arrays.copyOf(mentions, capacity);
            versions = Arrays.copyOf(versions, capacity);
        }
        channelIds[size] = channelId;
        lastReads[size] = lastReadMessageId;
        mentions[size] = mentionCount;
        versions[size] = version;
        size++;
        return this;
    }

    public int size()
    {
        return size;
    }

    public long channelId(final int i)
    {
        return channelIds[i];
    }

    public long lastReadMessageId(final int i)
    {
        return lastReads[i];
    }

    public int mentionCount(final int i)
    {
        return mentions[i];
    }

    public long version(final int i)
    {
        return versions[i];
    }
}
