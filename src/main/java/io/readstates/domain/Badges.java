package io.readstates.domain;

import java.util.List;

/**
 * What a user's client shows as unread, at one moment: per guild, the channels whose last message is
 * after the user's lastRead and the sum of mentions (guilds with neither are left out, the rest in
 * ascending unsigned guild id); the same for direct messages; and the total of mentions. Immutable,
 * so it can be handed to any thread.
 */
public record Badges(long userId, long mentionCount, List<Guild> guilds, long directUnreadChannels,
    long directMentionCount)
{
    /** The guild id that stands for direct messages, which belong to no guild. */
    public static final long DIRECT_MESSAGES = 0;

    /** The counts of one guild. */
    public record Guild(long guildId, long unreadChannels, long mentionCount)
    {
    }
}
