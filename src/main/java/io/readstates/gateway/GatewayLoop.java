package io.readstates.gateway;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;

import java.util.ArrayList;

/**
 * The gateway on one event loop: the sockets this loop accepted (each a {@link Connection}), the
 * sessions among them, and a periodic sweep of those (slow consumers, silence, pings). Everything here
 * runs on this loop.
 */
public final class GatewayLoop
{
    /** How often the sessions of the loop are swept. */
    private static final long SWEEP_INTERVAL_MS = 100;

    final Gateway gateway;
    final Vertx vertx;
    final Context context;
    private final ArrayList<Session> sessions = new ArrayList<>();
    private final long sweepTimer;

    GatewayLoop(final Gateway gateway, final Vertx vertx)
    {
        this.gateway = gateway;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sweep());
    }

    public void accept(final ServerWebSocket socket)
    {
        new Connection(this, socket).start();
    }

    /** Closes every session of this loop with 1001: the service is stopping. */
    public void closeAll()
    {
        vertx.cancelTimer(sweepTimer);
        for (int i = sessions.size() - 1; i >= 0; i--)
        {
            sessions.get(i).close(CloseCodes.GOING_AWAY, "the service is stopping");
        }
    }

    private void sweep()
    {
        final long now = System.currentTimeMillis();
        for (int i = sessions.size() - 1; i >= 0; i--)
        {
            final Session session = sessions.get(i);
            if (session.sweep(now, gateway.slowConsumerTimeoutMs, gateway.idleTimeoutMs))
            {
                // Without waiting for the client to complete the close, which one that stopped reading never does.
                forget(session);
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
    }

}
