package io.readstates.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.TreeMap;

/**
 * What a user's client shows as unread: per guild, the channels whose last message is after the user's
 * lastRead and the sum of mentions; the same for direct messages; and the total of mentions. Guilds
 * with nothing unread and no mentions are left out.
 */
public final class Badges
{
    private final long userId;
    private final TreeMap<Long, long[]> guilds = new TreeMap<>(Long::compareUnsigned);
    private final long[] directMessages = new long[2];
    private long mentionCount;

    public Badges(final long userId)
    {
        this.userId = userId;
    }

    /**
     * Counts one read state.
     *
     * @param guildId 0 for a direct-message channel.
     */
    public void add(final long guildId, final boolean unread, final int mentions)
    {
        final long[] counts = guildId == 0 ? directMessages : guilds.computeIfAbsent(guildId, g -> new long[2]);
        counts[0] += unread ? 1 : 0;
        counts[1] += mentions;
        mentionCount += mentions;
    }

    public JsonObject toJson()
    {
        final JsonArray guildList = new JsonArray();
        guilds.forEach((guildId, counts) ->
        {
            if (counts[0] > 0 || counts[1] > 0)
            {
                guildList.add(new JsonObject()
                    .put("guildId", Snowflake.format(guildId))
                    .put("unreadChannels", counts[0])
                    .put("mentionCount", counts[1]));
            }
        });
        return new JsonObject()
            .put("userId", Snowflake.format(userId))
            .put("mentionCount", mentionCount)
            .put("guilds", guildList)
            .put("directMessages", new JsonObject()
                .put("unreadChannels", directMessages[0])
                .put("mentionCount", directMessages[1]));
    }
}
