package io.readstates.bench;

import io.readstates.store.*;
import io.readstates.store.offheap.*;
import io.readstates.store.onheap.*;

/**
 * The data set every store benchmark holds: users with a fixed number of channels each, with ids shaped
 * like snowflakes (large, sharing their high bits).
 */
final class BenchData
{
    /** Users of the default data set: 8,000,000 read states. */
    static final int USERS = Integer.getInteger("bench.users", 1_000_000);
    static final int CHANNELS_PER_USER = 8;
    private static final long USER_BASE = 1_100_000_000_000_000_000L;
    private static final long CHANNEL_BASE = 1_200_000_000_000_000_000L;
    private static final int CHANNELS = 100_000;

    private BenchData()
    {
    }

    static long userId(final int user)
    {
        return USER_BASE + user * 4096L;
    }

    static long channelId(final int user, final int k)
    {
        return CHANNEL_BASE + ((user * 31L + k * 7919L) % CHANNELS) * 4096L;
    }

    static int readStates(final int users)
    {
        return users * CHANNELS_PER_USER;
    }

    /** Installs users 0 to {@code users - 1} with all of their channels read up to message 1000, all clean. */
    static void fill(final ReadStateStore store, final int users)
    {
        final LoadedUser loaded = new LoadedUser();
        for (int u = 0; u < users; u++)
        {
            loaded.clear();
            for (int k = 0; k < CHANNELS_PER_USER; k++)
            {
                loaded.add(channelId(u, k), 1000, 0, 1);
            }
            if (store.install(userId(u), loaded) != Outcome.CHANGED)
            {
                throw new IllegalStateException("store too small for the benchmark data");
            }
        }
    }
}
