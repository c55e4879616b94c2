package io.readstates.gateway;

import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.util.concurrent.TimeUnit;

/**
 * One identified WebSocket client of one user. Everything here belongs to the event loop that owns the
 * socket: the user's shard produces what the client is due on its own event loop and hands it over
 * with {@link #deliver}, and only this loop ever touches the socket.
 *
 * <p>What is waiting to be written waits in an {@link Outbox}, coalesced. A client that stays unable to
 * take more for longer than the slow-consumer timeout is closed with {@link CloseCodes#SLOW_CONSUMER}.
 */
final class Session
{
    /** The shard of a session whose user is watched through its owner in the cluster. */
    static final int REMOTE = -1;

    final long userId;
    /** The shard the user belongs to, or {@link #REMOTE}. */
    final int shard;
    /** Position in its event loop's list of sessions, for removal in constant time. */
    int position = -1;

    private final ServerWebSocket socket;
    private final Context context;
    private final Outbox outbox = new Outbox();
    private final Outbox.Sink sink;
    private final Timer pushLatency;
    /** When the oldest update still in the outbox was produced, in nanoseconds; 0 when it is empty. */
    private long oldestPendingNanos;
    private long behindSince;
    private long lastHeard;
    private boolean started;
    private boolean closed;

    Session(final long userId, final int shard, final ServerWebSocket socket, final Context context, final long now,
        final Timer pushLatency)
    {
        this.pushLatency = pushLatency;
        this.userId = userId;
        this.shard = shard;
        this.socket = socket;
        this.context = context;
        this.lastHeard = now;
        this.sink = new Outbox.Sink()
        {
            @Override
            public boolean full()
            {
                return socket.writeQueueFull();
            }

            @Override
            public void write(final String frame)
            {
                socket.writeTextMessage(frame);
            }
        };
    }

    /**
     * Hands the client an update, from any thread: it is queued on the socket's event loop and written
     * as soon as the socket takes it.
     *
     * @param stateFrame a read state frame, or null for badges alone
     */
    void deliver(final long channelId, final String stateFrame, final String badgesFrame)
    {
        final long produced = System.nanoTime();
        context.runOnContext(v ->
        {
            if (oldestPendingNanos == 0)
            {
                oldestPendingNanos = produced;
            }
            outbox.offer(channelId, stateFrame, badgesFrame);
            flush(GatewayLoop.monotonicMs());
        });
    }

    /** Sends the snapshot, then whatever was delivered meanwhile; on the socket's event loop. */
    void start(final String readyFrame, final String badgesFrame)
    {
        started = true;
        outbox.given(badgesFrame);
        socket.writeTextMessage(readyFrame);
        socket.drainHandler(v -> flush(GatewayLoop.monotonicMs()));
        flush(GatewayLoop.monotonicMs());
    }

    /** The client sent something: a frame or a pong. */
    void heard(final long now)
    {
        lastHeard = now;
    }

    /** Writes what is pending while the socket takes it; notes when the client fell behind. */
    private void flush(final long now)
    {
        if (!started || isClosed())
        {
            return;
        }
        outbox.drainTo(sink);
        if (outbox.isEmpty())
        {
            if (oldestPendingNanos != 0)
            {
                pushLatency.record(System.nanoTime() - oldestPendingNanos, TimeUnit.NANOSECONDS);
                oldestPendingNanos = 0;
            }
        }
        else if (behindSince == 0)
        {
            behindSince = now;
        }
    }

    /**
     * Called periodically. A client is behind from the moment something could not be written until it
     * is seen with nothing pending or with room in its socket; one that drains a little now and then but
     * is found full every time stays behind. Closes the session when it stayed behind or silent too
     * long, and pings a quiet one.
     *
     * @return true if the session is closed, by this sweep or before
     */
    boolean sweep(final long now, final long slowConsumerTimeoutMs, final long idleTimeoutMs)
    {
        if (isClosed())
        {
            return true;
        }
        if (outbox.isEmpty() || !socket.writeQueueFull())
        {
            behindSince = 0;
        }
        if (behindSince != 0 && now - behindSince > slowConsumerTimeoutMs)
        {
            close(CloseCodes.SLOW_CONSUMER, "too slow to read what it is sent");
        }
        else if (now - lastHeard > idleTimeoutMs)
        {
            close(CloseCodes.IDLE_TIMEOUT, "silent for too long");
        }
        else if (now - lastHeard > idleTimeoutMs / 2 && !socket.writeQueueFull())
        {
            socket.writePing(Buffer.buffer());
        }
        return closed;
    }

    /** Closed by us, or closing or closed by the client: nothing more may be written. */
    private boolean isClosed()
    {
        return closed || socket.isClosed();
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
