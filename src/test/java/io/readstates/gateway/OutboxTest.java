package io.readstates.gateway;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a client is due, coalesced while its socket cannot take it. */
class OutboxTest
{
    /** A socket that takes {@code room} frames, then is full until given more room. */
    private static final class Socket implements Outbox.Sink
    {
        final List<String> written = new ArrayList<>();
        int room;

        @Override
        public boolean full()
        {
            return room == 0;
        }

        @Override
        public void write(final String frame)
        {
            written.add(frame);
            room--;
        }
    }

    private final Outbox outbox = new Outbox();
    private final Socket socket = new Socket();

    @Test
    void shouldKeepOnlyTheLatestStateOfEachChannelAndTheLatestBadges()
    {
        outbox.offer(1, "state 1 v1", "badges 1");
        outbox.offer(2, "state 2 v1", "badges 2");
        outbox.offer(1, "state 1 v2", "badges 3");
        socket.room = 10;
        outbox.drainTo(socket);
        assertEquals(3, socket.written.size(), socket.written.toString());
        assertTrue(socket.written.containsAll(List.of("state 1 v2", "state 2 v1")), socket.written.toString());
        assertEquals("badges 3", socket.written.get(2), "badges last, after the states they count");
        assertTrue(outbox.isEmpty());
    }

    @Test
    void shouldWaitWhileTheSocketIsFullAndGoOnWhenItTakesMore()
    {
        outbox.offer(1, "state 1", "badges 1");
        outbox.offer(2, "state 2", "badges 2");
        socket.room = 1;
        outbox.drainTo(socket);
        assertEquals(1, socket.written.size());
        assertFalse(outbox.isEmpty(), "one state and the badges wait");
        outbox.offer(3, "state 3", "badges 3");
        socket.room = 10;
        outbox.drainTo(socket);
        assertEquals(4, socket.written.size(), socket.written.toString());
        assertEquals("badges 3", socket.written.get(3), "only the latest badges, once");
    }

    @Test
    void shouldNotSendBadgesTheClientAlreadyHas()
    {
        outbox.given("badges in the snapshot");
        outbox.offer(1, null, "badges in the snapshot");
        socket.room = 10;
        outbox.drainTo(socket);
        assertTrue(socket.written.isEmpty(), socket.written.toString());
        outbox.offer(1, null, "new badges");
        outbox.offer(1, null, "new badges");
        outbox.drainTo(socket);
        outbox.offer(2, null, "new badges");
        outbox.drainTo(socket);
        assertEquals(List.of("new badges"), socket.written);
    }
}
