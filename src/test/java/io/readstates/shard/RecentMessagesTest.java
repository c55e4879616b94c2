package io.readstates.shard;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecentMessagesTest
{
    @Test
    void shouldRecogniseARepeatWithinTheWindow()
    {
        final RecentMessages recent = new RecentMessages(60_000, 8);
        assertTrue(recent.firstTime(1, 100));
        assertFalse(recent.firstTime(1, 100));
        assertTrue(recent.firstTime(1, 101), "another message");
        assertTrue(recent.firstTime(2, 100), "the same id in another channel");
        assertEquals(3, recent.size());
    }

    @Test
    void shouldForgetTheOldestWhenFull()
    {
        final RecentMessages recent = new RecentMessages(60_000, 3);
        for (long message = 1; message <= 4; message++)
        {
            assertTrue(recent.firstTime(1, message));
        }
        assertEquals(3, recent.size());
        assertTrue(recent.firstTime(1, 1), "the oldest was let go to remember the fourth");
        assertFalse(recent.firstTime(1, 4), "the newest is still remembered");
    }

    @Test
    void shouldForgetWhatIsOlderThanTheWindow() throws InterruptedException
    {
        final RecentMessages recent = new RecentMessages(50, 8);
        assertTrue(recent.firstTime(1, 100));
        Thread.sleep(80);
        assertTrue(recent.firstTime(1, 100), "remembered for the window only");
        assertEquals(1, recent.size());
    }

    @Test
    void shouldTellApartTheIdsOfNeighbouringMessagesAndChannels()
    {
        final RecentMessages recent = new RecentMessages(60_000, 4096);
        for (long channel = 1; channel <= 32; channel++)
        {
            for (long message = 1; message <= 64; message++)
            {
                assertTrue(recent.firstTime(channel, (1L << 22) * message + channel), channel + "/" + message);
            }
        }
        assertEquals(2048, recent.size());
    }
}
