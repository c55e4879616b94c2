package io.readstates.shard;

import io.readstates.domain.Badges;
import io.readstates.domain.Channel;
import io.readstates.domain.ReadStateView;
import io.readstates.domain.Refusal;
import io.readstates.store.ChannelTable;
import io.readstates.store.LoadedUser;
import io.readstates.store.offheap.OffHeapReadStateStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message whose users are all on one shard is checked, moves its channel and is applied in one step:
 * all of it when it fits, nothing of it (not even the channel's last message) when it does not.
 */
class ReadStatesMessageTest
{
    private static final long AUTHOR = 1;
    private static final long MENTIONED = 2;
    private static final long OTHER = 3;
    private static final long GUILD = 100;

    private final List<String> told = new ArrayList<>();
    private final ChannelTable channels = new ChannelTable();

    @Test
    void shouldAckTheAuthorMentionTheOthersAndMoveTheChannelWhenItFits()
    {
        try (OffHeapReadStateStore store = fullStore())
        {
            final ReadStates readStates = readStates(store);

            readStates.messageHere(10, GUILD, 500, true, AUTHOR, new long[] {MENTIONED, OTHER});

            assertEquals(500, readStates.readState(AUTHOR, 10).lastReadMessageId());
            assertEquals(1, readStates.readState(MENTIONED, 10).mentionCount());
            assertEquals(1, readStates.readState(OTHER, 10).mentionCount());
            assertEquals(500, channels.lastMessageId(10));
            assertTrue(channels.dirty().contains(10), "the channel's home writes the channel to Redis");
            assertTrue(told.containsAll(List.of("read state of 1 on 10", "read state of 2 on 10", "read state of 3 on 10")),
                told::toString);
        }
    }

    @Test
    void shouldChangeNothingNotEvenTheChannelWhenItDoesNotFit()
    {
        try (OffHeapReadStateStore store = fullStore())
        {
            final ReadStates readStates = readStates(store);
            final long dirtyBefore = store.dirtyRecords();
            told.clear();

            // Channel 11: the author and OTHER have a read state there, MENTIONED would need a new one.
            final Refusal refusal = assertThrows(Refusal.class,
                () -> readStates.messageHere(11, GUILD, 500, true, AUTHOR, new long[] {MENTIONED, OTHER}));

            assertSame(Refusal.MEMORY_FULL, refusal);
            assertFalse(channels.knows(11), "the channel's last message did not move");
            assertEquals(100, readStates.readState(AUTHOR, 11).lastReadMessageId());
            assertEquals(0, readStates.readState(OTHER, 11).mentionCount());
            assertNull(readStates.readState(MENTIONED, 11));
            assertEquals(dirtyBefore, store.dirtyRecords());
            assertEquals(List.of(), told, "nothing was pushed");
        }
    }

    /** Room for exactly the five read states below, all of them unwritten, so none can be evicted. */
    private static OffHeapReadStateStore fullStore()
    {
        final OffHeapReadStateStore store = new OffHeapReadStateStore(5, 4);
        for (final long user : new long[] {AUTHOR, MENTIONED, OTHER})
        {
            store.install(user, new LoadedUser());
        }
        store.ack(AUTHOR, 10, 100);
        store.ack(AUTHOR, 11, 100);
        store.ack(MENTIONED, 10, 100);
        store.ack(OTHER, 10, 100);
        store.ack(OTHER, 11, 100);
        return store;
    }

    /** Every user watched, so that any change of theirs would be told. */
    private ReadStates readStates(final OffHeapReadStateStore store)
    {
        final ReadStates readStates = new ReadStates("test shard", store, channels, new ShardListener()
        {
            @Override
            public void readStateChanged(final long userId, final long channelId, final ReadStateView state,
                final Channel channel, final Badges badges)
            {
                told.add("read state of " + userId + " on " + channelId);
            }

            @Override
            public void badgesChanged(final long userId, final Badges badges)
            {
                told.add("badges of " + userId);
            }
        }, new RecentMessages(60_000, 1024));
        for (final long user : new long[] {AUTHOR, MENTIONED, OTHER})
        {
            readStates.watch(user);
        }
        return readStates;
    }
}
