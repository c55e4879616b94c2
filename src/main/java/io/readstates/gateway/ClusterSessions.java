package io.readstates.gateway;

import io.readstates.cluster.NodeMessage;
import io.readstates.cluster.Nodes;
import io.readstates.cluster.Owners;
import io.readstates.cluster.UserRequest;
import io.readstates.shard.Shards;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in a cluster, where a client may connect to any node whatever node owns its user.
 *
 * <p>The node that holds a client's socket asks the user's owner to <b>watch</b> the user on its
 * behalf, once per user and node however many sessions: the owner's shard then pushes every change of
 * the user to that node (not to each session), which hands it to its sessions of the user. Pushes
 * travel to the node that holds the sessions; nothing is subscribed cluster-wide.
 *
 * <p>When ownership of a user moves (a join, a leave, a death), the node watches the user again at
 * its new owner, which answers with the user as it is now, tells the old owner to stop, and the sessions
 * carry on. So it does when the link to a user's owner comes back after it failed: pushes sent meanwhile
 * may be lost.
 *
 * <p>Pushes never go backwards: every push carries the epoch under which its owner serves the user,
 * which grows each time the user changes node, and a push of an older epoch than the user's last
 * snapshot or push here (a late push from an old owner) is dropped. From one owner, pushes arrive in
 * the order sent.
 */
public final class ClusterSessions implements Nodes.Sessions
{
    /** How soon a watch that failed while its user moved is tried again. */
    private static final long RETRY_MS = 250;

    /** A user watched for this node's sessions: where it is watched, and the sessions. */
    private static final class Watched
    {
        final List<Session> sessions = new ArrayList<>();
        /** The name of the owner that watches the user for this node; null while none does. */
        volatile String owner;
        /** The epoch of the latest snapshot or push delivered; older ones are dropped. */
        long epoch;
        /** Pushes may have been lost since the last snapshot: to be watched again. */
        volatile boolean stale;
    }

    private final Vertx vertx;
    private final Owners owners;
    private final Nodes nodes;
    private final Shards shards;
    private final List<ShardSessions> shardSessions;
    private final Map<Long, Watched> watched = new ConcurrentHashMap<>();
    private final int maxPerUser;
    private boolean retrying;

    public ClusterSessions(final Vertx vertx, final Owners owners, final Shards shards, final List<ShardSessions> shardSessions,
        final int maxPerUser)
    {
        this.vertx = vertx;
        this.maxPerUser = maxPerUser;
        this.owners = owners;
        this.nodes = owners.nodes();
        this.shards = shards;
        this.shardSessions = shardSessions;
        for (final ShardSessions s : shardSessions)
        {
            s.sendRemote((node, userId, channelId, stateFrame, badgesFrame, epoch) ->
                nodes.push(node, new NodeMessage.Push(userId, channelId, stateFrame, badgesFrame, epoch)));
        }
        nodes.sessions(this);
        owners.followMoves(this::followMoves);
    }

    // ---------------------------------------------------------------------------------------------
    // The node that holds the sockets
    // ---------------------------------------------------------------------------------------------

    /** Registers a session: its user is watched at its owner, which answers with the snapshot. */
    Future<Connection.Opened> open(final Session session)
    {
        final Watched entry = watched.computeIfAbsent(session.userId, u -> new Watched());
        synchronized (entry)
        {
            if (entry.sessions.size() >= maxPerUser)
            {
                return Future.succeededFuture(new Connection.Opened(CloseCodes.TOO_MANY_SESSIONS, null, null));
            }
            entry.sessions.add(session);
        }
        final String owner = owners.of(session.userId).name();
        return nodes.watch(owner, session.userId).map(snapshot ->
        {
            entry.owner = owner;
            synchronized (entry)
            {
                entry.epoch = Math.max(entry.epoch, snapshot.epoch());
            }
            return new Connection.Opened((short)0, snapshot.readyFrame(), snapshot.badgesFrame());
        }).onFailure(e -> close(session));
    }

    /** Forgets a closed session; the last of a user's sessions here ends the watch at its owner. */
    void close(final Session session)
    {
        final Watched entry = watched.get(session.userId);
        if (entry == null)
        {
            return;
        }
        synchronized (entry)
        {
            if (!entry.sessions.remove(session) || !entry.sessions.isEmpty())
            {
                return;
            }
            watched.remove(session.userId);
        }
        if (entry.owner != null)
        {
            nodes.unwatch(entry.owner, session.userId);
        }
    }

    /** An ack from a client, applied by its user's owner. */
    Future<Void> ack(final long userId, final long channelId, final long messageId)
    {
        return owners.call(new UserRequest.Ack(userId, channelId, messageId)).mapEmpty();
    }

    @Override
    public void pushed(final NodeMessage.Push push)
    {
        final Watched entry = watched.get(push.userId());
        if (entry == null)
        {
            return;
        }
        synchronized (entry)
        {
            if (push.epoch() < entry.epoch)
            {
                return;
            }
            entry.epoch = push.epoch();
            for (final Session session : entry.sessions)
            {
                session.deliver(push.channelId(), push.stateFrame(), push.badgesFrame());
            }
        }
    }

    /**
     * Watches again, at their new owner, the users whose owner changed. Changes made between the move and
     * this new watch were sent to no one: the sessions get every read state and the badges as they are now
     * (what a client already has changes nothing on its screen). A new owner that does not serve the user
     * yet refuses; those are tried again shortly.
     */
    private void followMoves()
    {
        watched.forEach((userId, entry) ->
        {
            final String owner = owners.of(userId).name();
            if (!owner.equals(entry.owner) && entry.owner != null || entry.stale)
            {
                watchAgain(userId, entry, owner);
            }
        });
    }

    /**
     * The link to {@code node} works again after it failed: pushes it sent meanwhile may be lost, so the
     * users watched there are watched again, and their sessions given the users as they are now.
     */
    public void linkRestored(final String node)
    {
        watched.forEach((userId, entry) ->
        {
            if (node.equals(entry.owner))
            {
                entry.stale = true;
                watchAgain(userId, entry, owners.of(userId).name());
            }
        });
    }

    private void watchAgain(final long userId, final Watched entry, final String owner)
    {
        final String before = entry.owner;
        nodes.watch(owner, userId).onSuccess(snapshot ->
        {
            entry.owner = owner;
            entry.stale = false;
            synchronized (entry)
            {
                if (snapshot.epoch() < entry.epoch)
                {
                    return;
                }
                entry.epoch = snapshot.epoch();
                for (final Session session : entry.sessions)
                {
                    for (int i = 0; i < snapshot.channelIds().length; i++)
                    {
                        session.deliver(snapshot.channelIds()[i], snapshot.stateFrames()[i], snapshot.badgesFrame());
                    }
                    session.deliver(0, null, snapshot.badgesFrame());
                }
            }
            if (before != null && !before.equals(owner))
            {
                nodes.unwatch(before, userId);
            }
        }).onFailure(e -> retrySoon());
    }

    private synchronized void retrySoon()
    {
        if (!retrying)
        {
            retrying = true;
            vertx.setTimer(RETRY_MS, id ->
            {
                synchronized (this)
                {
                    retrying = false;
                }
                followMoves();
            });
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The node that owns the user
    // ---------------------------------------------------------------------------------------------

    @Override
    public Future<NodeMessage.Watched> watch(final long userId, final String node)
    {
        final int shard = shards.indexOfUser(userId);
        final ShardSessions sessions = shardSessions.get(shard);
        return shards.get(shard).withUser(userId, readStates ->
        {
            sessions.watchFrom(node, userId, readStates);
            final Snapshot snapshot = sessions.snapshot(userId, readStates);
            return new NodeMessage.Watched(snapshot.readyFrame(), snapshot.badgesFrame(), snapshot.channelIds(), snapshot.states(),
                snapshot.epoch());
        });
    }

    @Override
    public void unwatch(final long userId, final String node)
    {
        final int shard = shards.indexOfUser(userId);
        final ShardSessions sessions = shardSessions.get(shard);
        shards.get(shard).run(readStates ->
        {
            sessions.unwatchFrom(node, userId, readStates);
            return null;
        });
    }
}
