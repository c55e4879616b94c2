package io.readstates.store;

import io.readstates.domain.Badges;

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
    /** Told of every change of a channel's last message or guild, with the values before it. */
    @FunctionalInterface
    public interface Listener
    {
        Listener NONE = (channelId, guildBefore, lastBefore) -> { };

        void channelChanged(long channelId, long guildBefore, long lastMessageBefore);
    }

    private final Long2LongHashMap lastMessage = new Long2LongHashMap(0);
    private final Long2LongHashMap guild = new Long2LongHashMap(Badges.DIRECT_MESSAGES);
    private final LongHashSet dirty = new LongHashSet();
    private Listener listener = Listener.NONE;

    /** Sets who is told of changes; one listener at a time. */
    public void listener(final Listener listener)
    {
        this.listener = listener;
    }

    public boolean knows(final long channelId)
    {
        return lastMessage.containsKey(channelId);
    }

    /** @return the channel's last message id, 0 if none is known. */
    public long lastMessageId(final long channelId)
    {
        return lastMessage.get(channelId);
    }

    /** @return the channel's guild, {@link Badges#DIRECT_MESSAGES} for direct messages or an unknown channel. */
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
        final long guildBefore = guild.get(channelId);
        final boolean newer = ReadStateRules.isAfter(messageId, last);
        if (newer || !known)
        {
            lastMessage.put(channelId, newer ? messageId : last);
        }
        final boolean guildChanged = guild.get(channelId) != guildId;
        if (guildChanged)
        {
            if (guildId == Badges.DIRECT_MESSAGES)
            {
                guild.remove(channelId);
            }
            else
            {
                guild.put(channelId, guildId);
            }
        }
        if (newer || guildChanged)
        {
            listener.channelChanged(channelId, guildBefore, last);
        }
        return newer || guildChanged || !known;
    }

    /** Learns a channel from durable storage without regressing what messages already said. */
    public void loaded(final long channelId, final long guildId, final long lastMessageId)
    {
        if (lastMessageId == 0)
        {
            // No message known: nothing is unread in it, and 0 is what the table answers for an unknown channel.
            return;
        }
        final long lastBefore = lastMessage.get(channelId);
        final long guildBefore = guild.get(channelId);
        if (!knows(channelId))
        {
            lastMessage.put(channelId, lastMessageId);
            if (guildId != Badges.DIRECT_MESSAGES)
            {
                guild.put(channelId, guildId);
            }
        }
        else if (ReadStateRules.isAfter(lastMessageId, lastBefore))
        {
            lastMessage.put(channelId, lastMessageId);
        }
        if (lastMessage.get(channelId) != lastBefore || guild.get(channelId) != guildBefore)
        {
            listener.channelChanged(channelId, guildBefore, lastBefore);
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
