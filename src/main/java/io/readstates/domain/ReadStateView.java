package io.readstates.domain;

/** One read state as answered to callers: a copy taken on the shard, safe to hand to another thread. */
public record ReadStateView(long channelId, long lastReadMessageId, int mentionCount, long version)
{
}
