package io.readstates.shard;

import io.readstates.domain.BadgeTally;
import io.readstates.domain.Badges;
import io.readstates.store.ChannelTable;
import io.readstates.store.ReadStateRules;
import io.readstates.store.ReadStateStore;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

/**
 * The users someone is watching (a client connected to the gateway), each with its badges kept
 * counted as its read states and its channels change, so that telling a watcher what changed costs the
 * same for a user with ten channels or ten thousand. A watched user's own read states are mirrored in
 * two primitive maps (what a channel contributes depends on them), so the counts never depend on the
 * user staying resident in the store. Channels are indexed to their watchers, so a new message
 * reaches exactly the users it concerns.
 */
final class Watchers
{
    /**
     * One watched user. Its read states' mentions (the key set says which channels it has) and lastReads
     * (kept only when not 0, since a primitive map cannot hold the value it answers for a missing key).
     */
    private static final class Watched
    {
        int watchers;
        final Long2LongHashMap mentions = new Long2LongHashMap(-1);
        final Long2LongHashMap lastRead = new Long2LongHashMap(0);
        final BadgeTally tally = new BadgeTally();

        boolean has(final long channelId)
        {
            return mentions.containsKey(channelId);
        }

        void put(final long channelId, final long lastReadMessageId, final int mentionCount)
        {
            mentions.put(channelId, mentionCount);
            if (lastReadMessageId == 0)
            {
                lastRead.remove(channelId);
            }
            else
            {
                lastRead.put(channelId, lastReadMessageId);
            }
        }

        void forget(final long channelId)
        {
            mentions.remove(channelId);
            lastRead.remove(channelId);
        }
    }

    /** Told of a watched user whose badges changed. */
    @FunctionalInterface
    interface Changed
    {
        void badgesChanged(long userId, Badges badges);
    }

    private final ChannelTable channels;
    private final Long2ObjectHashMap<Watched> byUser = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<LongHashSet> byChannel = new Long2ObjectHashMap<>();

    Watchers(final ChannelTable channels)
    {
        this.channels = channels;
    }

    boolean isWatched(final long userId)
    {
        return byUser.containsKey(userId);
    }

    int users()
    {
        return byUser.size();
    }

    /** One more watcher of a resident user; the first counts its badges from the store. */
    void watch(final long userId, final ReadStateStore store)
    {
        final Watched known = byUser.get(userId);
        if (known != null)
        {
            known.watchers++;
            return;
        }
        final Watched watched = new Watched();
        watched.watchers = 1;
        byUser.put(userId, watched);
        store.forEach(userId, (channelId, lastRead, mentions, version) -> add(userId, watched, channelId, lastRead, mentions));
    }

    /** One watcher fewer; the last one forgets the user. */
    void unwatch(final long userId)
    {
        final Watched watched = byUser.get(userId);
        if (watched == null || --watched.watchers > 0)
        {
            return;
        }
        byUser.remove(userId);
        final Long2LongHashMap.KeyIterator it = watched.mentions.keySet().iterator();
        while (it.hasNext())
        {
            unindex(userId, it.nextValue());
        }
    }

    /** @return a watched user's badges, or null if nobody watches it. */
    Badges badges(final long userId)
    {
        final Watched watched = byUser.get(userId);
        return watched == null ? null : watched.tally.snapshot(userId);
    }

    /**
     * A read state of a watched user changed: counts it again.
     *
     * @param exists false if the read state was deleted
     */
    void readStateChanged(final long userId, final long channelId, final boolean exists, final long lastRead,
        final int mentions)
    {
        final Watched watched = byUser.get(userId);
        if (watched.has(channelId))
        {
            watched.tally.remove(channels.guildId(channelId), unread(channels.lastMessageId(channelId), watched, channelId),
                (int)watched.mentions.get(channelId));
            if (!exists)
            {
                watched.forget(channelId);
                unindex(userId, channelId);
            }
        }
        if (exists)
        {
            add(userId, watched, channelId, lastRead, mentions);
        }
    }

    /**
     * A channel's last message or guild changed: recounts it for every user watching it, and tells
     * {@code changed} of each whose badges changed.
     */
    void channelChanged(final long channelId, final long guildBefore, final long lastBefore, final Changed changed)
    {
        final LongHashSet users = byChannel.get(channelId);
        if (users == null)
        {
            return;
        }
        final long guild = channels.guildId(channelId);
        final long last = channels.lastMessageId(channelId);
        final LongHashSet.LongIterator it = users.iterator();
        while (it.hasNext())
        {
            final long userId = it.nextValue();
            final Watched watched = byUser.get(userId);
            final boolean wasUnread = unread(lastBefore, watched, channelId);
            final boolean isUnread = unread(last, watched, channelId);
            if (guild != guildBefore || wasUnread != isUnread)
            {
                final int mentions = (int)watched.mentions.get(channelId);
                watched.tally.remove(guildBefore, wasUnread, mentions);
                watched.tally.add(guild, isUnread, mentions);
                changed.badgesChanged(userId, watched.tally.snapshot(userId));
            }
        }
    }

    private void add(final long userId, final Watched watched, final long channelId, final long lastRead, final int mentions)
    {
        if (!watched.has(channelId))
        {
            byChannel.computeIfAbsent(channelId, c -> new LongHashSet()).add(userId);
        }
        watched.put(channelId, lastRead, mentions);
        watched.tally.add(channels.guildId(channelId), ReadStateRules.isAfter(channels.lastMessageId(channelId), lastRead),
            mentions);
    }

    private static boolean unread(final long channelLast, final Watched watched, final long channelId)
    {
        return ReadStateRules.isAfter(channelLast, watched.lastRead.get(channelId));
    }

    private void unindex(final long userId, final long channelId)
    {
        final LongHashSet users = byChannel.get(channelId);
        if (users != null && users.remove(userId) && users.isEmpty())
        {
            byChannel.remove(channelId);
        }
    }
}
