package io.readstates.shard;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;

/**
 * What a shard knows of channels: each one's last message id and guild, enough to tell its users which
 * channels are unread. Every shard holds the channels it has heard of (message events are broadcast
 * to all shards, and channels of loaded users are fetched with them); the channel's home shard also
 * tracks which changes are not yet written. Primitive maps: no object per channel.
 */
public final class ChannelTable
{
    /** Guild id of a direct-message channel. */
    public static final long DIRECT = 0;

    private final Long2LongHashMap lastMessage = new Long2LongHashMap(0);
    private final Long2LongHashMap guild = new Long2LongHashMap(DIRECT);
    private final LongHashSet dirty = new LongHashSet();

    public boolean knows(final long channelId)
    {
        return lastMessage.containsKey(channelId);
    }

    /** @return the channel's last message id, 0 if none is known. */
    public long lastMessageId(final long channelId)
    {
        return lastMessage.get(channelId);
    }

    /** @return the channel's guild, {@link #DIRECT} for direct messages or an unknown channel. */
    public long guildId(final long channelId)
    {
        return guild.get(channelId);
    }

    /**
     * Learns of a message; the last message id only moves forward.
     *
     * @return true if anything changed.
     */
    public boolean messageCreated(final long channelId, final long guildId, final long messageId)
    {
        final boolean known = knows(channelId);
        final long last = lastMessage.get(channelId);
        final boolean newer = Long.compareUnsigned(messageId, last) > 0;
        if (newer || !known)
        {
            lastMessage.put(channelId, newer ? messageId : last);
        }
        final boolean guildChanged = guild.get(channelId) != guildId;
        if (guildChanged)
        {
            if (guildId == DIRECT)
            {
                guild.remove(channelId);
            }
            else
            {
                guild.put(channelId, guildId);
            }
        }
        return newer || guildChanged || !known;
    }

    /** Learns a channel from durable storage without regressing what messages already said. */
    public void loaded(final long channelId, final long guildId, final long lastMessageId)
    {
        if (!knows(channelId))
        {
            lastMessage.put(channelId, lastMessageId);
            if (guildId != DIRECT)
            {
                guild.put(channelId, guildId);
            }
        }
        else if (Long.compareUnsigned(lastMessageId, lastMessage.get(channelId)) > 0)
        {
            lastMessage.put(channelId, lastMessageId);
        }
    }

    public void markDirty(final long channelId)
    {
        dirty.add(channelId);
    }

    /** Channels changed since they were last written; the caller removes those it writes. */
    public LongHashSet dirty()
    {
        return dirty;
    }

    public int size()
    {
        return lastMessage.size();
    }
}
