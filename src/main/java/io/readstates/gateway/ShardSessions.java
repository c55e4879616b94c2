package io.readstates.gateway;

import io.readstates.domain.Badges;
import io.readstates.domain.Channel;
import io.readstates.domain.ReadStateView;
import io.readstates.ops.ShardStats;
import io.readstates.shard.ReadStates;
import io.readstates.shard.ShardListener;
import io.readstates.wire.Codec;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * The sessions of one shard's users, by user, touched only on the shard's event loop. As the shard's
 * listener it turns each change into frames once and hands them to every session of the user, each
 * of which writes them on its own socket's event loop.
 */
public final class ShardSessions implements ShardListener
{
    /** Sends a user's update to another node of the cluster, which holds sessions of the user. */
    @FunctionalInterface
    interface RemoteSink
    {
        void send(String node, long userId, long channelId, String stateFrame, String badgesFrame, long epoch);
    }

    private final int maxPerUser;
    private final int max;
    private final ShardStats stats;
    private final Long2ObjectHashMap<List<Session>> byUser = new Long2ObjectHashMap<>();
    /** The other nodes that hold sessions of each user, in a cluster. */
    private final Long2ObjectHashMap<List<String>> nodesByUser = new Long2ObjectHashMap<>();
    private final LongUnaryOperator epochs;
    private RemoteSink remote;
    private int count;
    private long pushes;

    /**
     * @param max the most sessions this shard holds: the server's limit divided over its shards
     * @param epochs the epoch under which this node serves each user (0 for a node alone), which orders frames
     */
    public ShardSessions(final int maxPerUser, final int max, final ShardStats stats, final LongUnaryOperator epochs)
    {
        this.epochs = epochs;
        this.maxPerUser = maxPerUser;
        this.max = max;
        this.stats = stats;
    }

    /**
     * Registers a session of a resident user and makes the user watched, in one step on the shard's
     * event loop, so that no change falls between the snapshot and the first update.
     *
     * @return 0 when registered, else the close code to refuse it with
     */
    short open(final Session session, final ReadStates readStates)
    {
        final List<Session> ofUser = byUser.get(session.userId);
        if (count >= max || ofUser != null && ofUser.size() >= maxPerUser)
        {
            return CloseCodes.TOO_MANY_SESSIONS;
        }
        readStates.watch(session.userId);
        byUser.computeIfAbsent(session.userId, u -> new ArrayList<>(2)).add(session);
        stats.sessions = ++count;
        return 0;
    }

    /** @return the snapshot a session of the user starts with; on the shard, with the user resident */
    Snapshot snapshot(final long userId, final ReadStates readStates)
    {
        return Snapshot.take(userId, readStates, epochs.applyAsLong(userId));
    }

    void sendRemote(final RemoteSink sink)
    {
        this.remote = sink;
    }

    /** Another node holds sessions of a resident user: it is sent every change of the user from now on. */
    void watchFrom(final String node, final long userId, final ReadStates readStates)
    {
        final List<String> nodes = nodesByUser.computeIfAbsent(userId, u -> new ArrayList<>(1));
        if (!nodes.contains(node))
        {
            nodes.add(node);
            readStates.watch(userId);
        }
    }

    /** That node holds no session of the user any more. */
    void unwatchFrom(final String node, final long userId, final ReadStates readStates)
    {
        final List<String> nodes = nodesByUser.get(userId);
        if (nodes != null && nodes.remove(node))
        {
            readStates.unwatch(userId);
            if (nodes.isEmpty())
            {
                nodesByUser.remove(userId);
            }
        }
    }

    /** Forgets a session whose socket closed. */
    void close(final Session session, final ReadStates readStates)
    {
        final List<Session> ofUser = byUser.get(session.userId);
        if (ofUser == null || !ofUser.remove(session))
        {
            return;
        }
        if (ofUser.isEmpty())
        {
            byUser.remove(session.userId);
        }
        readStates.unwatch(session.userId);
        stats.sessions = --count;
    }

    @Override
    public void readStateChanged(final long userId, final long channelId, final ReadStateView state,
        final Channel channel, final Badges badges)
    {
        final List<Session> ofUser = byUser.get(userId);
        final List<String> nodes = nodesByUser.get(userId);
        if (ofUser != null || nodes != null)
        {
            deliver(ofUser, nodes, userId, channelId, state == null ? null :
                Codec.readStateFrame(state, channel, epochs.applyAsLong(userId)), Codec.badgesFrame(badges));
        }
    }

    @Override
    public void badgesChanged(final long userId, final Badges badges)
    {
        final List<Session> ofUser = byUser.get(userId);
        final List<String> nodes = nodesByUser.get(userId);
        if (ofUser != null || nodes != null)
        {
            deliver(ofUser, nodes, userId, 0, null, Codec.badgesFrame(badges));
        }
    }

    private void deliver(final List<Session> sessions, final List<String> nodes, final long userId, final long channelId,
        final String stateFrame, final String badgesFrame)
    {
        if (sessions != null)
        {
            for (int i = 0; i < sessions.size(); i++)
            {
                sessions.get(i).deliver(channelId, stateFrame, badgesFrame);
            }
            pushes += sessions.size();
        }
        if (nodes != null)
        {
            for (int i = 0; i < nodes.size(); i++)
            {
                remote.send(nodes.get(i), userId, channelId, stateFrame, badgesFrame, epochs.applyAsLong(userId));
            }
            pushes += nodes.size();
        }
        stats.pushes = pushes;
    }
}
