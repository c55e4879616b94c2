package io.readstates.gateway;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;

import java.util.ArrayList;

/**
 * The gateway on one event loop: the sockets this loop accepted (each a {@link Connection}), the
 * sessions among them, and a periodic sweep of those (slow consumers, silence, pings). Everything here
 * runs on this loop.
 *
 * <p>The sweep visits every session once per {@link #SWEEP_INTERVAL_MS}, a slice at a time: with ten
 * thousand sessions, one pass over all of them holds the loop for milliseconds, and every request and
 * push behind it waits that long. It runs only while the loop has sessions: a loop with none costs
 * nothing between requests.
 */
public final class GatewayLoop
{
    /** How often each session of the loop is swept. */
    private static final long SWEEP_INTERVAL_MS = 100;
    /** Each sweep's pass is spread over this many ticks. */
    private static final int SLICES = 10;

    final Gateway gateway;
    final Vertx vertx;
    final Context context;
    private final ArrayList<Session> sessions = new ArrayList<>();
    /** The sweep's timer while there are sessions, else -1. */
    private long sweepTimer = -1;
    private boolean closing;
    /** The next session the sweep visits. */
    private int cursor;

    GatewayLoop(final Gateway gateway, final Vertx vertx)
    {
        this.gateway = gateway;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
    }

    public void accept(final ServerWebSocket socket)
    {
        new Connection(this, socket).start();
    }

    /** Closes every session of this loop with 1001: the service is stopping. */
    public void closeAll()
    {
        closing = true;
        stopSweeping();
        for (int i = sessions.size() - 1; i >= 0; i--)
        {
            sessions.get(i).close(CloseCodes.GOING_AWAY, "the service is stopping");
        }
    }

    /** @return milliseconds on the monotonic clock: every time a session keeps, so that no clock step ends or keeps one */
    static long monotonicMs()
    {
        return System.nanoTime() / 1_000_000;
    }

    /** Sweeps the next slice of the sessions, so that a whole pass takes {@link #SLICES} ticks. */
    private void sweepSlice()
    {
        final long now = GatewayLoop.monotonicMs();
        int visits = (sessions.size() + SLICES - 1) / SLICES;
        while (visits-- > 0 && !sessions.isEmpty())
        {
            if (cursor >= sessions.size())
            {
                cursor = 0;
            }
            final Session session = sessions.get(cursor);
            if (session.sweep(now, gateway.slowConsumerTimeoutMs, gateway.idleTimeoutMs))
            {
                // Without waiting for the client to complete the close, which one that stopped reading never does.
                // The last session takes its place, and is visited next.
                forget(session);
            }
            else
            {
                cursor++;
            }
        }
    }

    /** The session is closed: it leaves this loop and its shard; forgetting it again changes nothing. */
    void forget(final Session session)
    {
        remove(session);
        if (session.shard == Session.REMOTE)
        {
            gateway.cluster.close(session);
            return;
        }
        final ShardSessions ofShard = gateway.sessions.get(session.shard);
        gateway.shards.get(session.shard).run(readStates ->
        {
            ofShard.close(session, readStates);
            return null;
        });
    }

    void add(final Session session)
    {
        session.position = sessions.size();
        sessions.add(session);
        if (sweepTimer == -1 && !closing)
        {
            sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS / SLICES, id -> sweepSlice());
        }
    }

    private void stopSweeping()
    {
        if (sweepTimer != -1)
        {
            vertx.cancelTimer(sweepTimer);
            sweepTimer = -1;
        }
    }

    private void remove(final Session session)
    {
        if (session.position < 0)
        {
            return;
        }
        final Session last = sessions.remove(sessions.size() - 1);
        if (last != session)
        {
            sessions.set(session.position, last);
            last.position = session.position;
        }
        session.position = -1;
        if (sessions.isEmpty())
        {
            stopSweeping();
        }
    }
}
