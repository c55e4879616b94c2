package io.readstates.domain;

import io.vertx.core.json.JsonObject;

/** One read state as answered to callers: a copy taken on the shard, safe to hand to another thread. */
public record ReadStateView(long channelId, long lastReadMessageId, int mentionCount, long version)
{
    public JsonObject toJson()
    {
        return new JsonObject()
            .put("channelId", Snowflake.format(channelId))
            .put("lastMessageId", Snowflake.format(lastReadMessageId))
            .put("mentionCount", mentionCount)
            .put("version", version);
    }
}
