package io.readstates.gateway;

import io.vertx.core.http.ServerWebSocket;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.util.Iterator;

/**
 * One identified WebSocket client of one user. After identify it belongs to the user's shard: what
 * it is due is produced and written on the shard's event loop, and so is everything below but the
 * two volatile fields, which the socket's own event loop writes.
 *
 * <p>What is waiting to be written is coalesced: only the latest read state of each channel and the
 * latest badges are kept, so a client that reads slowly costs at most one entry per channel of its
 * user. A client that stays unable to take more for longer than the slow-consumer timeout is closed
 * with {@link CloseCodes#SLOW_CONSUMER}.
 */
public final class Session
{
    final long userId;
    final ServerWebSocket socket;
    /** Channels under which this session is indexed by its shard. */
    final LongHashSet channels = new LongHashSet();
    /** Position in its shard's list of sessions, for removal in constant time. */
    int position = -1;

    private final Long2ObjectHashMap<String> pendingStates = new Long2ObjectHashMap<>();
    private String pendingBadges;
    private String lastBadges;
    private long behindSince;
    private boolean waitingForDrain;

    /** Set on the socket's event loop when the socket closes. */
    volatile boolean closed;
    /** When the client last sent anything, in ms; written on the socket's event loop. */
    volatile long lastHeard;

    Session(final long userId, final ServerWebSocket socket, final long now)
    {
        this.userId = userId;
        this.socket = socket;
        this.lastHeard = now;
    }

    void send(final String frame)
    {
        socket.writeTextMessage(frame);
    }

    void queueReadState(final long channelId, final String frame)
    {
        pendingStates.put(channelId, frame);
    }

    /** Queues badges unless they are what the client was last given. */
    void queueBadges(final String frame)
    {
        if (!frame.equals(lastBadges))
        {
            pendingBadges = frame;
            lastBadges = frame;
        }
    }

    void rememberBadges(final String frame)
    {
        lastBadges = frame;
    }

    private boolean hasPending()
    {
        return !pendingStates.isEmpty() || pendingBadges != null;
    }

    /**
     * Writes what is pending while the socket takes it.
     *
     * @param onDrain run (on the socket's event loop) when a full socket can take more.
     */
    void flush(final long now, final Runnable onDrain)
    {
        if (closed)
        {
            return;
        }
        if (!pendingStates.isEmpty())
        {
            final Iterator<String> it = pendingStates.values().iterator();
            while (it.hasNext() && !socket.writeQueueFull())
            {
                socket.writeTextMessage(it.next());
                it.remove();
            }
        }
        if (pendingBadges != null && pendingStates.isEmpty() && !socket.writeQueueFull())
        {
            socket.writeTextMessage(pendingBadges);
            pendingBadges = null;
        }
        if (hasPending())
        {
            if (behindSince == 0)
            {
                behindSince = now;
            }
            if (!waitingForDrain)
            {
                waitingForDrain = true;
                socket.drainHandler(v -> onDrain.run());
                // The socket lives on another event loop: it may have drained before the handler was set.
                if (!socket.writeQueueFull())
                {
                    onDrain.run();
                }
            }
        }
    }

    /**
     * Called periodically: a client is behind from the moment something could not be written until it
     * is seen with nothing pending or with room in its socket. One that drains a little now and then but
     * is found full every time stays behind.
     */
    void checkCaughtUp()
    {
        if (!hasPending() || !socket.writeQueueFull())
        {
            behindSince = 0;
        }
    }

    void drained()
    {
        waitingForDrain = false;
    }

    /** @return true if the client has been unable to take what it is due for longer than {@code limitMs}. */
    boolean behindLongerThan(final long now, final long limitMs)
    {
        return behindSince != 0 && now - behindSince > limitMs;
    }

    void close(final short code, final String reason)
    {
        if (!closed)
        {
            closed = true;
            socket.close(code, reason);
        }
    }
}
