package io.readstates.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a shard knows of channels, and who it tells when that changes. */
class ChannelTableTest
{
    private final ChannelTable channels = new ChannelTable();
    private final List<String> told = new ArrayList<>();

    ChannelTableTest()
    {
        channels.listener((channel, guildBefore, lastBefore) -> told.add(channel + ":" + guildBefore + ":" + lastBefore));
    }

    @Test
    void shouldMoveTheLastMessageOnlyForwardAndTellEachChange()
    {
        assertTrue(channels.messageCreated(1, 7, 100));
        assertFalse(channels.messageCreated(1, 7, 50), "an older message changes nothing");
        channels.loaded(1, 7, 90);
        assertEquals(100, channels.lastMessageId(1), "nor does an older copy from Redis");
        assertTrue(channels.messageCreated(1, 8, 100), "the guild changed");
        assertEquals(List.of("1:0:0", "1:7:100"), told);
    }

    @Test
    void shouldIgnoreAStoredChannelWithoutAMessage()
    {
        channels.loaded(2, 7, 0);
        assertFalse(channels.knows(2));
        assertTrue(told.isEmpty());
    }

    @Test
    void shouldLearnAChannelFromRedisAndTellIt()
    {
        channels.loaded(3, 7, -1L);
        assertEquals(-1L, channels.lastMessageId(3), "unsigned ids");
        assertEquals(7, channels.guildId(3));
        assertEquals(List.of("3:0:0"), told);
    }
}
