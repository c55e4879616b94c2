package io.readstates.shard;

/**
 * What a new message does to the users of one node: its channel's last message moves up, the author's
 * read state is acked to it (when the author is one of the node's users) and each mentioned user gets a
 * mention.
 *
 * @param guildId the channel's guild, {@code Badges.DIRECT_MESSAGES} for a direct message
 * @param authorId the author, or 0 when the author is not one of this part's users
 * @param mentioned the mentioned users of this part, the author excluded
 */
public record MessagePart(long channelId, long messageId, long guildId, long authorId, long[] mentioned)
{
}
