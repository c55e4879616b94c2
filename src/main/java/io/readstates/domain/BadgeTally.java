package io.readstates.domain;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * The running counts behind a user's {@link Badges}: each read state is added with what it contributes
 * (its channel's guild, whether it is unread, its mentions) and removed with the same values when it
 * changes, so the badges stay current in time independent of how many channels the user has.
 */
public final class BadgeTally
{
    private static final int UNREAD = 0;
    private static final int MENTIONS = 1;

    private final Long2ObjectHashMap<long[]> guilds = new Long2ObjectHashMap<>();
    private final long[] direct = new long[2];
    private long mentionCount;

    /** Counts one read state in. */
    public void add(final long guildId, final boolean unread, final int mentions)
    {
        count(guildId, unread ? 1 : 0, mentions);
    }

    /** Takes out a read state counted in before with the same values. */
    public void remove(final long guildId, final boolean unread, final int mentions)
    {
        count(guildId, unread ? -1 : 0, -(long)mentions);
    }

    private void count(final long guildId, final long unread, final long mentions)
    {
        final long[] counts;
        if (guildId == Badges.DIRECT_MESSAGES)
        {
            counts = direct;
        }
        else
        {
            final long[] known = guilds.get(guildId);
            counts = known != null ? known : new long[2];
            if (known == null)
            {
                guilds.put(guildId, counts);
            }
        }
        counts[UNREAD] += unread;
        counts[MENTIONS] += mentions;
        mentionCount += mentions;
        if (counts != direct && counts[UNREAD] == 0 && counts[MENTIONS] == 0)
        {
            guilds.remove(guildId);
        }
    }

    /** @return the badges as counted now, for a user; guilds with nothing to show are left out. */
    public Badges snapshot(final long userId)
    {
        final List<Badges.Guild> list = new ArrayList<>(guilds.size());
        guilds.forEach((guildId, counts) -> list.add(new Badges.Guild(guildId, counts[UNREAD], counts[MENTIONS])));
        list.sort((a, b) -> Long.compareUnsigned(a.guildId(), b.guildId()));
        return new Badges(userId, mentionCount, List.copyOf(list), direct[UNREAD], direct[MENTIONS]);
    }
}
