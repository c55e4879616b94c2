package io.readstates.gateway;

import io.readstates.domain.ReadStateView;
import io.readstates.domain.Snowflake;
import io.readstates.shard.Shard;
import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.List;

/**
 * The WebSocket sessions of one shard's users, touched only on the shard's event loop. Sessions are
 * indexed by user and by channel (every channel in which their user has a read state), so that a new
 * message reaches exactly the sessions it concerns without scanning all of them.
 */
public final class Sessions
{
    private final Shard shard;
    private final Context context;
    private final int maxPerUser;
    private final int max;
    private final long slowConsumerTimeoutMs;
    private final long idleTimeoutMs;
    private final Long2ObjectHashMap<List<Session>> byUser = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<List<Session>> byChannel = new Long2ObjectHashMap<>();
    private final ArrayList<Session> all = new ArrayList<>();
    private long pushes;

    /**
     * @param max the most sessions this shard holds; the server's limit divided over its shards.
     */
    public Sessions(final Shard shard, final Context context, final int maxPerUser, final int max,
        final long slowConsumerTimeoutMs, final long idleTimeoutMs)
    {
        this.shard = shard;
        this.context = context;
        this.maxPerUser = maxPerUser;
        this.max = max;
        this.slowConsumerTimeoutMs = slowConsumerTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    public int size()
    {
        return all.size();
    }

    public long pushes()
    {
        return pushes;
    }

    /**
     * Registers a session of a resident user and sends it its snapshot, in one step so that no change
     * falls between the two.
     *
     * @return 0 when registered, else the close code to refuse it with.
     */
    short open(final Session session)
    {
        if (session.closed)
        {
            return 0;
        }
        final List<Session> ofUser = byUser.get(session.userId);
        if (all.size() >= max || ofUser != null && ofUser.size() >= maxPerUser)
        {
            return CloseCodes.TOO_MANY_SESSIONS;
        }
        final List<ReadStateView> states = shard.readStates(session.userId);
        final JsonObject badges = shard.badges(session.userId).toJson();
        final JsonArray stateList = new JsonArray();
        for (final ReadStateView state : states)
        {
            stateList.add(withChannelLast(state.toJson(), state.channelId()));
            index(session, state.channelId());
        }
        byUser.computeIfAbsent(session.userId, u -> new ArrayList<>(2)).add(session);
        session.position = all.size();
        all.add(session);
        session.rememberBadges(badgesFrame(badges));
        session.send(new JsonObject().put("op", "ready").put("userId", Snowflake.format(session.userId))
            .put("readStates", stateList).put("badges", badges).encode());
        return 0;
    }

    /** Forgets a session whose socket closed. */
    void close(final Session session)
    {
        if (session.position < 0)
        {
            return;
        }
        final Session last = all.remove(all.size() - 1);
        if (last != session)
        {
            all.set(session.position, last);
            last.position = session.position;
        }
        session.position = -1;
        final List<Session> ofUser = byUser.get(session.userId);
        if (ofUser != null && ofUser.remove(session) && ofUser.isEmpty())
        {
            byUser.remove(session.userId);
        }
        final LongHashSet.LongIterator it = session.channels.iterator();
        while (it.hasNext())
        {
            final long channelId = it.nextValue();
            final List<Session> ofChannel = byChannel.get(channelId);
            if (ofChannel != null && ofChannel.remove(session) && ofChannel.isEmpty())
            {
                byChannel.remove(channelId);
            }
        }
    }

    /** A read state of a user changed (or was deleted): its sessions get it and their new badges. */
    public void readStateChanged(final long userId, final long channelId)
    {
        final List<Session> ofUser = byUser.get(userId);
        if (ofUser == null)
        {
            return;
        }
        final ReadStateView state = shard.readState(userId, channelId);
        final String stateFrame = state == null ? null :
            withChannelLast(state.toJson(), channelId).put("op", "read_state").encode();
        final String badges = badgesFrame(shard.badges(userId).toJson());
        for (int i = 0; i < ofUser.size(); i++)
        {
            final Session session = ofUser.get(i);
            if (state != null)
            {
                index(session, channelId);
                session.queueReadState(channelId, stateFrame);
            }
            session.queueBadges(badges);
            flush(session);
        }
    }

    /** A message arrived in a channel: sessions of users with a read state there get their badges if they changed. */
    public void channelMessage(final long channelId)
    {
        final List<Session> ofChannel = byChannel.get(channelId);
        if (ofChannel == null)
        {
            return;
        }
        long lastUser = 0;
        String badges = null;
        for (int i = 0; i < ofChannel.size(); i++)
        {
            final Session session = ofChannel.get(i);
            if (badges == null || session.userId != lastUser)
            {
                lastUser = session.userId;
                badges = badgesFrame(shard.badges(session.userId).toJson());
            }
            session.queueBadges(badges);
            flush(session);
        }
    }

    /** Closes sessions that stayed behind or went silent too long, and pings the quiet ones. */
    public void sweep(final long now)
    {
        for (int i = all.size() - 1; i >= 0; i--)
        {
            final Session session = all.get(i);
            if (session.closed)
            {
                continue;
            }
            session.checkCaughtUp();
            if (session.behindLongerThan(now, slowConsumerTimeoutMs))
            {
                session.close(CloseCodes.SLOW_CONSUMER, "too slow to read what it is sent");
            }
            else if (now - session.lastHeard > idleTimeoutMs)
            {
                session.close(CloseCodes.IDLE_TIMEOUT, "silent for too long");
            }
            else if (now - session.lastHeard > idleTimeoutMs / 2 && !session.socket.writeQueueFull())
            {
                session.socket.writePing(io.vertx.core.buffer.Buffer.buffer());
            }
        }
    }

    /** Closes every session: the service is stopping. */
    public void closeAll()
    {
        for (int i = all.size() - 1; i >= 0; i--)
        {
            all.get(i).close(CloseCodes.GOING_AWAY, "the service is stopping");
        }
    }

    private void flush(final Session session)
    {
        session.flush(System.currentTimeMillis(), () -> context.runOnContext(v ->
        {
            session.drained();
            flush(session);
        }));
        pushes++;
    }

    private void index(final Session session, final long channelId)
    {
        if (session.channels.add(channelId))
        {
            byChannel.computeIfAbsent(channelId, c -> new ArrayList<>(4)).add(session);
        }
    }

    /** Clients also get the channel's last message id, the id to ack to mark the channel read. */
    private JsonObject withChannelLast(final JsonObject state, final long channelId)
    {
        return state.put("channelLastMessageId", Snowflake.format(shard.channels().lastMessageId(channelId)));
    }

    private static String badgesFrame(final JsonObject badges)
    {
        return badges.copy().put("op", "badges").encode();
    }
}
