package io.readstates.shard;

import io.readstates.domain.BadgeTally;
import io.readstates.domain.Badges;
import io.readstates.domain.Channel;
import io.readstates.domain.ReadStateView;
import io.readstates.domain.Refusal;
import io.readstates.store.ChannelTable;
import io.readstates.store.Outcome;
import io.readstates.store.ReadState;
import io.readstates.store.ReadStateRules;
import io.readstates.store.ReadStateStore;

import org.agrona.collections.LongArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The read states of one shard's users, with the channels they are in: the domain operations of a
 * shard, applied on its event loop to users that are resident. Tells its {@link ShardListener} what
 * changed for watched users.
 *
 * <p>With {@code -Dreadstates.checkOwner=true} (the tests run with it) every operation checks that it
 * runs on the thread that created this object, the shard's event loop.
 */
public final class ReadStates
{
    private static final boolean CHECK_OWNER = Boolean.getBoolean("readstates.checkOwner");
    private static final Logger LOG = LoggerFactory.getLogger(ReadStates.class);
    private static final long TOO_SMALL_WARNING_INTERVAL_MS = 60_000;

    private final String name;
    private final RecentMessages recent;
    /** The users' parts of deleted messages taken back lately, so that a repeated deletion takes back nothing. */
    private final RecentMessages deletions;
    private final ReadStateStore store;
    private final ChannelTable channels;
    private final Watchers watchers;
    private final ShardListener listener;
    private final Thread owner = Thread.currentThread();
    private final ReadState scratch = new ReadState();
    private long lastTooSmallWarning;

    /** @param recent the messages counted lately, so that a retry of one counts nothing */
    ReadStates(final String name, final ReadStateStore store, final ChannelTable channels, final ShardListener listener,
        final RecentMessages recent)
    {
        this.name = name;
        this.recent = recent;
        this.deletions = recent.another();
        this.store = store;
        this.channels = channels;
        this.listener = listener;
        this.watchers = new Watchers(channels);
        channels.listener((channelId, guildBefore, lastBefore) ->
            watchers.channelChanged(channelId, guildBefore, lastBefore, listener::badgesChanged));
    }

    ReadStateStore store()
    {
        checkOwner();
        return store;
    }

    ChannelTable channels()
    {
        checkOwner();
        return channels;
    }

    int watchedUsers()
    {
        return watchers.users();
    }

    // ---------------------------------------------------------------------------------------------
    // Changes
    // ---------------------------------------------------------------------------------------------

    /** @return the read state after a plain ack. */
    public ReadStateView ack(final long userId, final long channelId, final long messageId)
    {
        changed(store().ack(userId, channelId, messageId), userId, channelId);
        return readState(userId, channelId);
    }

    /**
     * Takes back a deleted message's mention of the user, if the message is still unread (see
     * {@link ReadStateStore#unmention}), once within the retry window however often the deletion comes.
     *
     * @return the read state after, or null if the user has none in the channel
     */
    public ReadStateView unmention(final long userId, final long channelId, final long messageId)
    {
        if (deletions.firstTime(RecentMessages.partOf(userId, channelId), messageId))
        {
            changed(store().unmention(userId, channelId, messageId), userId, channelId);
        }
        return readState(userId, channelId);
    }

    /** @return the read state after a manual ack, which sets lastRead and mentions exactly. */
    public ReadStateView manualAck(final long userId, final long channelId, final long messageId, final int mentionCount)
    {
        changed(store().manualAck(userId, channelId, messageId, mentionCount), userId, channelId);
        return readState(userId, channelId);
    }

    public void mention(final long userId, final long channelId, final long messageId)
    {
        changed(store().mention(userId, channelId, messageId), userId, channelId);
    }

    public void delete(final long userId, final long channelId)
    {
        changed(store().delete(userId, channelId), userId, channelId);
    }

    /**
     * Deletes every read state of the user (a data-protection request); its sessions get its badges once,
     * after. The deletions are written to Redis like any change.
     */
    public void deleteUser(final long userId)
    {
        final LongArrayList channels = new LongArrayList();
        final boolean watched = watchers.isWatched(userId);
        if (watched)
        {
            store().forEach(userId, (channelId, lastRead, mentions, version) -> channels.addLong(channelId));
        }
        final Outcome outcome = store().deleteUser(userId);
        if (outcome == Outcome.NOT_RESIDENT)
        {
            throw new IllegalStateException(name + ": a user was used without being resident");
        }
        if (outcome == Outcome.CHANGED && watched)
        {
            for (int i = 0; i < channels.size(); i++)
            {
                watchers.readStateChanged(userId, channels.getLong(i), false, 0, 0);
            }
            listener.badgesChanged(userId, watchers.badges(userId));
        }
    }

    /**
     * Plain acks of several channels of one user, applied all or none: if they do not all fit, none is.
     *
     * @return the read states after, in the order of the channels
     */
    public List<ReadStateView> acks(final long userId, final long[] channelIds, final long[] messageIds)
    {
        ensureRoom(new long[] {userId}, missingRecords(userId, channelIds));
        final List<ReadStateView> after = new ArrayList<>(channelIds.length);
        for (int i = 0; i < channelIds.length; i++)
        {
            after.add(ack(userId, channelIds[i], messageIds[i]));
        }
        return after;
    }

    /**
     * What a new message does to this shard's users, all or none: its author's read state is acked to
     * it and each mentioned user gets a mention. With {@code apply} false it only checks that
     * everything fits, so that a message spanning shards can be checked on all of them first.
     *
     * @param authorId the author if it is a user of this shard, else 0
     * @param mentioned mentioned users of this shard, the author excluded
     */
    public void message(final long channelId, final long messageId, final long authorId, final long[] mentioned,
        final boolean apply)
    {
        final long[] users = authorId == 0 ? mentioned : append(mentioned, authorId);
        ensureRoom(users, missingRecords(users, channelId));
        if (apply)
        {
            applyMessage(channelId, messageId, authorId, mentioned);
        }
    }

    /**
     * A message whose users on this node are all on this shard: checked, the channel's last message
     * moved, and applied, in one step of the event loop. Nothing can run between the check and the
     * change, so a message that fits is applied without a second round.
     *
     * @param home whether this shard is the channel's home (which writes the channel to Redis)
     */
    public void messageHere(final long channelId, final long guildId, final long messageId, final boolean home,
        final long authorId, final long[] mentioned)
    {
        message(channelId, messageId, authorId, mentioned, false);
        channelMessage(channelId, guildId, messageId, home);
        applyMessage(channelId, messageId, authorId, mentioned);
    }

    private void applyMessage(final long channelId, final long messageId, final long authorId, final long[] mentioned)
    {
        if (authorId != 0)
        {
            ack(authorId, channelId, messageId);
        }
        // A message counted here already is a caller's retry: its mentions count once. (An ack and a channel's
        // last message come to the same whenever repeated.)
        if (mentioned.length > 0 && !recent.firstTime(channelId, messageId))
        {
            return;
        }
        for (final long userId : mentioned)
        {
            mention(userId, channelId, messageId);
        }
    }

    /** Refuses now, before anything is changed, what would not fit; uses each user so that room is made elsewhere. */
    private void ensureRoom(final long[] users, final int newRecords)
    {
        for (final long userId : users)
        {
            store().use(userId);
        }
        if (newRecords > 0 && !store.canAdd(users, newRecords))
        {
            throw newRecords > store.recordCapacity() ? cacheTooSmall() : Refusal.MEMORY_FULL;
        }
    }

    private int missingRecords(final long userId, final long[] channelIds)
    {
        int missing = 0;
        for (int i = 0; i < channelIds.length; i++)
        {
            if (!store().get(userId, channelIds[i], scratch) && !repeats(channelIds, i))
            {
                missing++;
            }
        }
        return missing;
    }

    private int missingRecords(final long[] users, final long channelId)
    {
        int missing = 0;
        for (int i = 0; i < users.length; i++)
        {
            if (!store().get(users[i], channelId, scratch) && !repeats(users, i))
            {
                missing++;
            }
        }
        return missing;
    }

    private static boolean repeats(final long[] values, final int index)
    {
        for (int i = 0; i < index; i++)
        {
            if (values[i] == values[index])
            {
                return true;
            }
        }
        return false;
    }

    private static long[] append(final long[] values, final long value)
    {
        final long[] longer = java.util.Arrays.copyOf(values, values.length + 1);
        longer[values.length] = value;
        return longer;
    }

    /** A user who cannot fit however much is evicted: an operator must grow the cache. */
    Refusal cacheTooSmall()
    {
        final long now = System.currentTimeMillis();
        if (now - lastTooSmallWarning > TOO_SMALL_WARNING_INTERVAL_MS)
        {
            lastTooSmallWarning = now;
            LOG.warn("{}: a user's read states do not fit in the shard's cache of {} records even alone; raise cacheBytes",
                name, store.recordCapacity());
        }
        return Refusal.CACHE_TOO_SMALL;
    }

    /**
     * Learns of a new message in a channel; the channel's home shard also records it for writing.
     * Users are handled separately, on their own shards.
     */
    public void channelMessage(final long channelId, final long guildId, final long messageId, final boolean home)
    {
        if (channels().messageCreated(channelId, guildId, messageId) && home)
        {
            channels.markDirty(channelId);
        }
    }

    /** Refuses a change that found no room; tells the listener of one made for a watched user. */
    private void changed(final Outcome outcome, final long userId, final long channelId)
    {
        if (outcome == Outcome.FULL)
        {
            final int records = store.forEach(userId, (channel, lastRead, mentions, version) -> { });
            throw records + 1 > store.recordCapacity() ? cacheTooSmall() : Refusal.MEMORY_FULL;
        }
        if (outcome == Outcome.NOT_RESIDENT)
        {
            throw new IllegalStateException(name + ": a user was used without being resident");
        }
        if (outcome == Outcome.CHANGED && watchers.isWatched(userId))
        {
            final boolean exists = store.get(userId, channelId, scratch);
            watchers.readStateChanged(userId, channelId, exists, exists ? scratch.lastReadMessageId : 0,
                exists ? scratch.mentionCount : 0);
            listener.readStateChanged(userId, channelId, exists ? view(scratch) : null, channel(channelId),
                watchers.badges(userId));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Queries
    // ---------------------------------------------------------------------------------------------

    /** @return the read state, or null if the user has none on the channel. */
    public ReadStateView readState(final long userId, final long channelId)
    {
        return store().get(userId, channelId, scratch) ? view(scratch) : null;
    }

    /** @return every read state of the user, in ascending unsigned channel id. */
    public List<ReadStateView> readStates(final long userId)
    {
        final List<ReadStateView> states = new ArrayList<>();
        store().forEach(userId, (channelId, lastRead, mentions, version) ->
            states.add(new ReadStateView(channelId, lastRead, mentions, version)));
        states.sort((a, b) -> Long.compareUnsigned(a.channelId(), b.channelId()));
        return states;
    }

    /** @return the user's badges: kept counted for a watched user, counted from its read states otherwise. */
    public Badges badges(final long userId)
    {
        final Badges watched = watchers.badges(userId);
        return watched != null ? watched : countBadges(userId);
    }

    /** Counts a user's badges from its read states, walking all of them. */
    Badges countBadges(final long userId)
    {
        final ChannelTable table = channels();
        final BadgeTally tally = new BadgeTally();
        store().forEach(userId, (channelId, lastRead, mentions, version) ->
            tally.add(table.guildId(channelId), ReadStateRules.isAfter(table.lastMessageId(channelId), lastRead), mentions));
        return tally.snapshot(userId);
    }

    /** @return a channel's last message id (0 if none is known) and guild. */
    public Channel channel(final long channelId)
    {
        return new Channel(channels().lastMessageId(channelId), channels.guildId(channelId));
    }

    // ---------------------------------------------------------------------------------------------
    // Watching
    // ---------------------------------------------------------------------------------------------

    /**
     * One more watcher of a resident user: from now on the listener is told of every change of its
     * read states and badges, until {@link #unwatch}.
     */
    public void watch(final long userId)
    {
        watchers.watch(userId, store());
    }

    /** One watcher of the user fewer. */
    public void unwatch(final long userId)
    {
        checkOwner();
        watchers.unwatch(userId);
    }

    private void checkOwner()
    {
        if (CHECK_OWNER && Thread.currentThread() != owner)
        {
            throw new IllegalStateException(name + " touched from " + Thread.currentThread().getName() +
                " instead of its own event loop");
        }
    }

    private static ReadStateView view(final ReadState state)
    {
        return new ReadStateView(state.channelId, state.lastReadMessageId, state.mentionCount, state.version);
    }
}
