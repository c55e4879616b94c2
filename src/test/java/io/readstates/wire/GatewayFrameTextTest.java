package io.readstates.wire;

import io.readstates.domain.Badges;
import io.readstates.domain.Channel;
import io.readstates.domain.ReadStateView;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The frames pushed on every change are written by hand: they must say exactly what the JSON objects of the same values say. */
class GatewayFrameTextTest
{
    /** 2^64 - 1: an id past the signed range, written as its unsigned digits. */
    private static final long LARGEST_ID = -1L;

    @Test
    void aBadgesFrameIsTheBadgesObjectWithItsOp()
    {
        final Badges badges = new Badges(42, 5, List.of(new Badges.Guild(7, 2, 3), new Badges.Guild(LARGEST_ID, 1, 0)), 4, 2);

        final String frame = Codec.badgesFrame(badges);

        assertEquals(Codec.badges(badges).put("op", "badges"), new JsonObject(frame));
        assertEquals("{\"userId\":\"42\",\"mentionCount\":5,\"guilds\":[{\"guildId\":\"7\",\"unreadChannels\":2,\"mentionCount\":3}," +
            "{\"guildId\":\"18446744073709551615\",\"unreadChannels\":1,\"mentionCount\":0}]," +
            "\"directMessages\":{\"unreadChannels\":4,\"mentionCount\":2},\"op\":\"badges\"}", frame);
    }

    @Test
    void badgesWithNoGuildHaveAnEmptyList()
    {
        final Badges badges = new Badges(LARGEST_ID, 0, List.of(), 0, 0);

        assertEquals(Codec.badges(badges).put("op", "badges"), new JsonObject(Codec.badgesFrame(badges)));
    }

    @Test
    void eachFrameStartsAfreshEvenAfterOneLargerThanTheKeptBuffer()
    {
        final List<Badges.Guild> guilds = new ArrayList<>();
        for (long g = 1; g <= 1_000; g++)
        {
            guilds.add(new Badges.Guild(g, 1, 1));
        }
        final Badges many = new Badges(1, 1_000, guilds, 0, 0);
        final Badges few = new Badges(2, 0, List.of(new Badges.Guild(9, 1, 0)), 1, 0);

        assertEquals(Codec.badges(many).put("op", "badges"), new JsonObject(Codec.badgesFrame(many)));
        assertEquals(Codec.badges(few).put("op", "badges"), new JsonObject(Codec.badgesFrame(few)));
        assertEquals(Codec.badges(few).put("op", "badges"), new JsonObject(Codec.badgesFrame(few)));
    }

    @Test
    void aReadStateFrameOfAGuildChannelNamesItsGuild()
    {
        final ReadStateView state = new ReadStateView(LARGEST_ID, 1_000, 3, 9);
        final Channel channel = new Channel(1_200, 77);

        final JsonObject frame = new JsonObject(Codec.readStateFrame(state, channel, 12));

        assertEquals(Codec.readState(state).put("epoch", 12).put("channelLastMessageId", "1200").put("guildId", "77")
            .put("op", "read_state"), frame);
    }

    @Test
    void aReadStateFrameOfADirectMessageHasNoGuild()
    {
        final ReadStateView state = new ReadStateView(5, LARGEST_ID, 0, 1);
        final Channel channel = new Channel(LARGEST_ID, Badges.DIRECT_MESSAGES);

        final JsonObject frame = new JsonObject(Codec.readStateFrame(state, channel, 0));

        assertEquals(Codec.readState(state).put("epoch", 0).put("channelLastMessageId", "18446744073709551615")
            .put("op", "read_state"), frame);
    }
}
