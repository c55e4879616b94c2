package io.readstates.shard;

import io.readstates.domain.Badges;
import io.readstates.domain.ReadStateView;
import io.readstates.store.ChannelTable;
import io.readstates.store.LoadedUser;
import io.readstates.store.offheap.OffHeapReadStateStore;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Badges of watched users are kept counted, never recounted: after every one of many random changes
 * (acks, manual acks, mentions, deletions, new messages that move a channel or change its guild,
 * channels learned from Redis, watchers coming and going), each watched user's kept badges equal a
 * count from scratch, and the listener has been told every change of them.
 *
 * <p>Reproduce a failure with {@code -Dreadstates.seed=<seed printed in the failure>}.
 */
class ReadStatesBadgesTest
{
    private static final int OPERATIONS = 200_000;
    private static final long[] USERS = {1, 2, 3, 4, -1};
    private static final long[] CHANNELS = {10, 11, 12, 13, 14, 15, -2};
    private static final long[] GUILDS = {Badges.DIRECT_MESSAGES, 100, 200, -3};
    private static final long[] MESSAGES = {0, 1, 2, 3, 5, 8, 13, -4};

    private final Map<Long, Integer> watchers = new HashMap<>();
    /** What the listener last said of each user's badges. */
    private final Map<Long, Badges> told = new HashMap<>();

    @Test
    void shouldKeepWatchedBadgesEqualToACountFromScratch()
    {
        final long seed = Long.getLong("readstates.seed", System.nanoTime());
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] channelDriven = new int[1];
        final ShardListener listener = new ShardListener()
        {
            @Override
            public void readStateChanged(final long userId, final long channelId, final ReadStateView state,
                final io.readstates.domain.Channel channel, final Badges badges)
            {
                told.put(userId, badges);
            }

            @Override
            public void badgesChanged(final long userId, final Badges badges)
            {
                told.put(userId, badges);
                channelDriven[0]++;
            }
        };
        final ChannelTable channels = new ChannelTable();
        try (OffHeapReadStateStore store = new OffHeapReadStateStore(1_000, 100))
        {
            final ReadStates readStates = new ReadStates("test shard", store, channels, listener, new RecentMessages(60_000, 1024));
            for (final long user : USERS)
            {
                store.install(user, new LoadedUser());
            }
            int unreadSeen = 0;
            for (int step = 0; step < OPERATIONS; step++)
            {
                final long user = pick(random, USERS);
                final long channel = pick(random, CHANNELS);
                final long message = pick(random, MESSAGES);
                final int dice = random.nextInt(100);
                if (dice < 25)
                {
                    readStates.ack(user, channel, message);
                }
                else if (dice < 35)
                {
                    readStates.manualAck(user, channel, message, random.nextInt(3));
                }
                else if (dice < 55)
                {
                    readStates.mention(user, channel, message);
                }
                else if (dice < 62)
                {
                    readStates.delete(user, channel);
                }
                else if (dice < 80)
                {
                    readStates.channelMessage(channel, pick(random, GUILDS), message == 0 ? 1 : message, random.nextBoolean());
                }
                else if (dice < 85)
                {
                    channels.loaded(channel, pick(random, GUILDS), message);
                }
                else if (dice < 93)
                {
                    readStates.watch(user);
                    watchers.merge(user, 1, Integer::sum);
                    told.put(user, readStates.badges(user));
                }
                else if (watchers.getOrDefault(user, 0) > 0)
                {
                    readStates.unwatch(user);
                    watchers.merge(user, -1, Integer::sum);
                }
                    for (final Map.Entry<Long, Integer> watched : watchers.entrySet())
                {
                    if (watched.getValue() > 0)
                    {
                        final long u = watched.getKey();
                        final Badges counted = readStates.countBadges(u);
                        assertEquals(counted, readStates.badges(u), "kept badges of " + u + " at step " + step + "; seed " + seed);
                        assertEquals(counted, told.get(u), "badges told of " + u + " at step " + step + "; seed " + seed);
                        unreadSeen += counted.guilds().isEmpty() ? 0 : 1;
                    }
                }
            }
            assertTrue(unreadSeen > OPERATIONS / 10, "watched users had guilds with something unread; seed " + seed);
            assertTrue(channelDriven[0] > OPERATIONS / 100, "new messages changed watched badges; seed " + seed);
        }
    }

    private static long pick(final SplittableRandom random, final long[] values)
    {
        return values[random.nextInt(values.length)];
    }
}
