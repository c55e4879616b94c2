package io.readstates.store;

/**
 * A reusable holder that a store fills in on {@link ReadStateStore#get}, so that a lookup allocates
 * nothing. Ids are unsigned 64-bit values carried in a {@code long}.
 */
public final class ReadState
{
    public long channelId;
    public long lastReadMessageId;
    public int mentionCount;
    public long version;

    /** Fills the holder; for stores. */
    public void set(final long channelId, final long lastReadMessageId, final int mentionCount, final long version)
    {
        this.channelId = channelId;
        this.lastReadMessageId = lastReadMessageId;
        this.mentionCount = mentionCount;
        this.version = version;
    }

    @Override
    public String toString()
    {
        return "ReadState{channel=" + Long.toUnsignedString(channelId) +
            ", lastRead=" + Long.toUnsignedString(lastReadMessageId) +
            ", mentions=" + mentionCount + ", version=" + version + '}';
    }
}
