package io.readstates.gateway;

import io.readstates.cluster.Ownership;
import io.readstates.domain.Refusal;
import io.readstates.shard.Shards;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in a cluster, where a client may connect to any node whatever node owns its user.
 *
 * <p>The node that holds a client's socket asks the user's owner to <b>watch</b> the user on its
 * behalf, once per user and node however many sessions: the owner's shard then sends every change of
 * the user to that node (not to each session), which hands it to its sessions of the user. Pushes
 * are routed to the node that holds the sessions; nothing is subscribed cluster-wide.
 *
 * <p>When ownership of a user moves (a join, a leave, a death), the node watches the user again at
 * its new owner, which answers with the user's badges as they are now, and the sessions carry on.
 */
public final class ClusterSessions
{
    private static final String OWNER = "readstates.gateway.";
    private static final String PUSH = "readstates.push.";
    private static final long RECHECK_MS = 250;
    private static final DeliveryOptions TIMEOUT = new DeliveryOptions().setSendTimeout(5_000);

    /** A user watched for this node's sessions: where it is watched, and the sessions. */
    private static final class Watched
    {
        final List<Session> sessions = new ArrayList<>();
        /** The owner that watches the user for this node; null while none does. */
        volatile String owner;
    }

    private final EventBus bus;
    private final Ownership ownership;
    private final Shards shards;
    private final List<ShardSessions> shardSessions;
    private final String self;
    private final Map<Long, Watched> watched = new ConcurrentHashMap<>();
    private final int maxPerUser;

    public ClusterSessions(final Vertx vertx, final Ownership ownership, final Shards shards,
        final List<ShardSessions> shardSessions, final int maxPerUser)
    {
        this.maxPerUser = maxPerUser;
        this.bus = vertx.eventBus();
        this.ownership = ownership;
        this.shards = shards;
        this.shardSessions = shardSessions;
        this.self = ownership.self().httpAddress();
        for (final ShardSessions s : shardSessions)
        {
            s.sendRemote((node, userId, channelId, stateFrame, badgesFrame) -> bus.send(PUSH + node, new JsonObject()
                .put("userId", userId).put("channelId", channelId).put("state", stateFrame).put("badges", badgesFrame)));
        }
        bus.<JsonObject>consumer(OWNER + self, this::asOwner);
        bus.<JsonObject>consumer(PUSH + self, message -> pushed(message.body()));
        vertx.setPeriodic(RECHECK_MS, id -> followMoves());
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
        final String owner = ownership.ownerOf(session.userId).httpAddress();
        return watchAt(owner, session.userId).map(snapshot ->
        {
            entry.owner = owner;
            return new Connection.Opened((short)0, snapshot.getString("ready"), snapshot.getString("badges"));
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
            bus.send(OWNER + entry.owner, new JsonObject().put("op", "unwatch").put("userId", session.userId).put("node", self));
        }
    }

    /** An ack from a client, applied by its user's owner. */
    Future<Void> ack(final long userId, final long channelId, final long messageId)
    {
        return bus.<JsonObject>request(OWNER + ownership.ownerOf(userId).httpAddress(), new JsonObject().put("op", "ack")
                .put("userId", userId).put("channelId", channelId).put("messageId", messageId), TIMEOUT)
            .transform(ar -> ar.succeeded() ? Future.succeededFuture() : Future.failedFuture(refusal(ar.cause())));
    }

    private Future<JsonObject> watchAt(final String owner, final long userId)
    {
        return bus.<JsonObject>request(OWNER + owner, new JsonObject().put("op", "watch").put("userId", userId).put("node", self),
                TIMEOUT)
            .transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result().body()) : Future.failedFuture(refusal(ar.cause())));
    }

    private void pushed(final JsonObject push)
    {
        final Watched entry = watched.get(push.getLong("userId"));
        if (entry == null)
        {
            return;
        }
        synchronized (entry)
        {
            for (final Session session : entry.sessions)
            {
                session.deliver(push.getLong("channelId"), push.getString("state"), push.getString("badges"));
            }
        }
    }

    /**
     * Watches again, at their new owner, the users whose owner changed. Changes made between the move and
     * this new watch were sent to no one: the sessions get every read state and the badges as they are now
     * (what a client already has changes nothing on its screen).
     */
    private void followMoves()
    {
        watched.forEach((userId, entry) ->
        {
            final String owner = ownership.ownerOf(userId).httpAddress();
            if (owner.equals(entry.owner) || entry.owner == null)
            {
                return;
            }
            watchAt(owner, userId).onSuccess(snapshot ->
            {
                entry.owner = owner;
                final String badges = snapshot.getString("badges");
                synchronized (entry)
                {
                    for (final Session session : entry.sessions)
                    {
                        for (final Object state : snapshot.getJsonArray("states"))
                        {
                            final JsonObject s = (JsonObject)state;
                            session.deliver(s.getLong("channelId"), s.getString("frame"), badges);
                        }
                        session.deliver(0, null, badges);
                    }
                }
            });
        });
    }

    /** What the other side refused, as a refusal; a refusal that did not cross the bus becomes one the client can retry. */
    private static Refusal refusal(final Throwable failure)
    {
        if (failure instanceof io.vertx.core.eventbus.ReplyException reply && reply.failureCode() > 0 && reply.getMessage() != null)
        {
            final int colon = reply.getMessage().indexOf(':');
            if (colon > 0)
            {
                return Refusal.of(reply.failureCode(), reply.getMessage().substring(0, colon), reply.getMessage().substring(colon + 1),
                    reply.failureCode() == 503 ? 1 : 0);
            }
        }
        return Refusal.OWNER_UNREACHABLE;
    }

    // ---------------------------------------------------------------------------------------------
    // The node that owns the user
    // ---------------------------------------------------------------------------------------------

    private void asOwner(final Message<JsonObject> message)
    {
        final JsonObject body = message.body();
        final long userId = body.getLong("userId");
        final int shard = shards.indexOfUser(userId);
        final ShardSessions sessions = shardSessions.get(shard);
        switch (body.getString("op"))
        {
            case "watch" -> shards.get(shard).withUser(userId, readStates ->
            {
                sessions.watchFrom(body.getString("node"), userId, readStates);
                final Snapshot snapshot = Snapshot.take(userId, readStates);
                final JsonArray frames = new JsonArray();
                for (int i = 0; i < snapshot.states().length; i++)
                {
                    frames.add(new JsonObject().put("channelId", snapshot.channelIds()[i]).put("frame", snapshot.states()[i]));
                }
                return new JsonObject().put("ready", snapshot.readyFrame()).put("badges", snapshot.badgesFrame())
                    .put("states", frames);
            }).onComplete(ar -> answer(message, ar.succeeded() ? ar.result() : null, ar.cause()));
            case "unwatch" -> shards.get(shard).run(readStates ->
            {
                sessions.unwatchFrom(body.getString("node"), userId, readStates);
                return null;
            });
            case "ack" -> shards.get(shard).withUser(userId, readStates ->
                    readStates.ack(userId, body.getLong("channelId"), body.getLong("messageId")))
                .onComplete(ar -> answer(message, ar.succeeded() ? new JsonObject() : null, ar.cause()));
            default -> message.fail(400, "bad_request:unknown operation");
        }
    }

    private static void answer(final Message<JsonObject> message, final JsonObject result, final Throwable failure)
    {
        if (failure == null)
        {
            message.reply(result);
        }
        else if (failure instanceof Refusal refusal)
        {
            message.fail(refusal.status(), refusal.code() + ":" + refusal.getMessage());
        }
        else
        {
            message.fail(500, "internal:an internal error occurred");
        }
    }
}
