package io.readstates.wire;

import io.readstates.domain.Badges;
import io.readstates.domain.Channel;
import io.readstates.domain.ReadStateView;
import io.readstates.domain.Refusal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The one JSON form of everything the service says, over HTTP and over the WebSocket gateway alike:
 * read states, badges, errors, and the gateway's frames. Ids are written as decimal strings.
 */
public final class Codec
{
    /** The answer to a client's ping. */
    public static final String PONG_FRAME = "{\"op\":\"pong\"}";

    private Codec()
    {
    }

    /** {@code {"channelId","lastMessageId","mentionCount","version"}} */
    public static JsonObject readState(final ReadStateView state)
    {
        return new JsonObject()
            .put("channelId", Ids.format(state.channelId()))
            .put("lastMessageId", Ids.format(state.lastReadMessageId()))
            .put("mentionCount", state.mentionCount())
            .put("version", state.version());
    }

    public static JsonArray readStates(final List<ReadStateView> states)
    {
        final JsonArray array = new JsonArray();
        for (final ReadStateView state : states)
        {
            array.add(readState(state));
        }
        return array;
    }

    /** {@code {"userId","readStates":[...]}} */
    public static JsonObject readStatesOf(final long userId, final List<ReadStateView> states)
    {
        return new JsonObject().put("userId", Ids.format(userId)).put("readStates", readStates(states));
    }

    /**
     * {@code {"userId","mentionCount","guilds":[{"guildId","unreadChannels","mentionCount"}],
     * "directMessages":{"unreadChannels","mentionCount"}}}
     */
    public static JsonObject badges(final Badges badges)
    {
        final JsonArray guilds = new JsonArray();
        for (final Badges.Guild guild : badges.guilds())
        {
            guilds.add(new JsonObject()
                .put("guildId", Ids.format(guild.guildId()))
                .put("unreadChannels", guild.unreadChannels())
                .put("mentionCount", guild.mentionCount()));
        }
        return new JsonObject()
            .put("userId", Ids.format(badges.userId()))
            .put("mentionCount", badges.mentionCount())
            .put("guilds", guilds)
            .put("directMessages", new JsonObject()
                .put("unreadChannels", badges.directUnreadChannels())
                .put("mentionCount", badges.directMentionCount()));
    }

    /** The body of every error answer: {@code {"error": code, "message": text}}. */
    public static JsonObject error(final String code, final String message)
    {
        return new JsonObject().put("error", code).put("message", message);
    }

    public static JsonObject error(final Refusal refusal)
    {
        return error(refusal.code(), refusal.getMessage());
    }

    // ---------------------------------------------------------------------------------------------
    // Gateway frames
    // ---------------------------------------------------------------------------------------------

    /**
     * The snapshot a session starts with. Clients also get each channel's last message id, the id to
     * ack to mark the channel read.
     *
     * @param channels each state's channel, in the same order
     */
    public static String readyFrame(final long userId, final List<ReadStateView> states, final Channel[] channels,
        final Badges badges, final long epoch)
    {
        final JsonArray list = new JsonArray();
        for (int i = 0; i < states.size(); i++)
        {
            list.add(withChannel(states.get(i), channels[i]));
        }
        return new JsonObject().put("op", "ready").put("userId", Ids.format(userId)).put("epoch", epoch).put("readStates", list)
            .put("badges", badges(badges)).encode();
    }

    /**
     * {@code {"op":"read_state",...}}: one read state changed. Written by hand, like the badges frame:
     * these two are built for every change a watched user sees. Frames of one channel are ordered by
     * (epoch, version): the epoch of the node that made it, which grows each time the user changes node.
     */
    public static String readStateFrame(final ReadStateView state, final Channel channel, final long epoch)
    {
        final JsonText json = JsonText.start().open()
            .id("channelId", state.channelId())
            .id("lastMessageId", state.lastReadMessageId())
            .number("mentionCount", state.mentionCount())
            .number("version", state.version())
            .number("epoch", epoch)
            .id("channelLastMessageId", channel.lastMessageId());
        if (channel.guildId() != Badges.DIRECT_MESSAGES)
        {
            json.id("guildId", channel.guildId());
        }
        return json.word("op", "read_state").close().toString();
    }

    /** {@code {"op":"badges",...}}: the user's badges changed; the same members as {@link #badges}. */
    public static String badgesFrame(final Badges badges)
    {
        final JsonText json = JsonText.start().open()
            .id("userId", badges.userId())
            .number("mentionCount", badges.mentionCount())
            .openArray("guilds");
        for (final Badges.Guild guild : badges.guilds())
        {
            json.open()
                .id("guildId", guild.guildId())
                .number("unreadChannels", guild.unreadChannels())
                .number("mentionCount", guild.mentionCount())
                .close();
        }
        return json.closeArray()
            .open("directMessages")
            .number("unreadChannels", badges.directUnreadChannels())
            .number("mentionCount", badges.directMentionCount())
            .close()
            .word("op", "badges")
            .close().toString();
    }

    /** {@code {"op":"error","error","message"}}: something the client asked could not be done now. */
    public static String errorFrame(final Refusal refusal)
    {
        return error(refusal).put("op", "error").encode();
    }

    /** A read state, with its channel's last message id and, for a guild's channel, the guild. */
    private static JsonObject withChannel(final ReadStateView state, final Channel channel)
    {
        final JsonObject json = readState(state).put("channelLastMessageId", Ids.format(channel.lastMessageId()));
        return channel.guildId() == Badges.DIRECT_MESSAGES ? json : json.put("guildId", Ids.format(channel.guildId()));
    }

    /** @return a client's frame as a JSON object, or null if it is not one. */
    public static JsonObject decodeFrame(final String text)
    {
        try
        {
            final Object parsed = Json.decodeValue(text);
            return parsed instanceof JsonObject ? (JsonObject)parsed : null;
        }
        catch (final DecodeException e)
        {
            return null;
        }
    }
}
