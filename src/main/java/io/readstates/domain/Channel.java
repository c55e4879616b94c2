package io.readstates.domain;

/**
 * What a client is told of a channel beside its read state: its last message (the id to ack to mark
 * it read) and its guild ({@link Badges#DIRECT_MESSAGES} for a direct message).
 */
public record Channel(long lastMessageId, long guildId)
{
}
