package io.readstates.load;

import java.util.SplittableRandom;

/**
 * The synthetic population: hot users (drawn from a Zipfian distribution) and cold ones (drawn
 * uniformly, a given share of requests), each with a fixed set of channels, channels grouped in
 * guilds. Ids look like snowflakes: large, sharing their high bits.
 */
final class Workload
{
    static final long USER_BASE = 1_100_000_000_000_000_000L;
    static final long CHANNEL_BASE = 1_200_000_000_000_000_000L;
    static final long GUILD_BASE = 1_300_000_000_000_000_000L;
    static final long MESSAGE_BASE = 1_400_000_000_000_000_000L;

    final int hotUsers;
    final int coldUsers;
    final int channelsPerUser;
    final int channels;
    final double coldShare;
    private final Zipf zipf;

    Workload(final Options options)
    {
        hotUsers = options.integer("hotUsers", 1_000_000);
        coldUsers = options.integer("coldUsers", 250_000);
        channelsPerUser = options.integer("channelsPerUser", 8);
        channels = options.integer("channels", 200_000);
        coldShare = options.decimal("coldShare", 0.1);
        zipf = new Zipf(hotUsers, options.decimal("zipf", 0.99));
    }

    int users()
    {
        return hotUsers + coldUsers;
    }

    /** @return a user index: a cold one with probability coldShare, else a Zipfian hot one. */
    int user(final SplittableRandom random)
    {
        if (coldUsers > 0 && random.nextDouble() < coldShare)
        {
            return hotUsers + random.nextInt(coldUsers);
        }
        return zipf.next(random);
    }

    static long userId(final int user)
    {
        return USER_BASE + user;
    }

    long channelId(final int user, final int k)
    {
        return CHANNEL_BASE + (user * 31L + k * 7919L) % channels;
    }

    static long guildId(final long channelId)
    {
        return GUILD_BASE + (channelId - CHANNEL_BASE) % 1000;
    }
}
