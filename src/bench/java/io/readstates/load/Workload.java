package io.readstates.load;

import java.math.BigInteger;
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
    /** The inverse of 31 modulo the channel count: which users have a channel follows from it (see {@link #member}). */
    private final long inverse31;

    Workload(final Options options)
    {
        hotUsers = options.integer("hotUsers", 1_000_000);
        coldUsers = options.integer("coldUsers", 250_000);
        channelsPerUser = options.integer("channelsPerUser", 8);
        channels = options.integer("channels", 200_000);
        coldShare = options.decimal("coldShare", 0.1);
        zipf = new Zipf(hotUsers, options.decimal("zipf", 0.99));
        if (channels % 31 == 0)
        {
            throw new IllegalArgumentException("--channels must not be a multiple of 31: " + channels);
        }
        inverse31 = BigInteger.valueOf(31).modInverse(BigInteger.valueOf(channels)).longValueExact();
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

    /**
     * A user who has the channel among its own (see {@link #channelId}), other than {@code except}: of the
     * channel's members through a random one of their channel positions, the most active (the lowest
     * index, which the Zipfian draw favours). Mentions go to members: a mention of a user outside the
     * channel gives that user a read state there, and the users drawn most often then gather read states
     * in thousands of channels within minutes, so that every read of theirs grows longer as a run goes on.
     *
     * @return the member's index, or {@code except} when the channel has no other member
     */
    int member(final long channelId, final int except, final SplittableRandom random)
    {
        final long channel = channelId - CHANNEL_BASE;
        final int first = random.nextInt(channelsPerUser);
        for (int i = 0; i < channelsPerUser; i++)
        {
            final int k = (first + i) % channelsPerUser;
            // user * 31 + k * 7919 = channel (mod channels): the least such user for this position.
            final long user = Math.floorMod((channel - k * 7919L) % channels * inverse31, (long) channels);
            for (long u = user; u < users(); u += channels)
            {
                if (u != except)
                {
                    return (int) u;
                }
            }
        }
        return except;
    }

    static long guildId(final long channelId)
    {
        return GUILD_BASE + (channelId - CHANNEL_BASE) % 1000;
    }
}
