package io.readstates.gateway;

import io.readstates.domain.Snowflake;
import io.readstates.shard.Shard;
import io.readstates.shard.Shards;
import io.readstates.shard.Unavailable;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The WebSocket gateway for end-user clients at {@code /v1/gateway}. A connection lives on the event
 * loop that accepted it until it identifies; then its session is registered on the user's shard,
 * which sends the snapshot and every later change. See the protocol in README.md.
 */
public final class Gateway
{
    public static final String PATH = "/v1/gateway";

    private final Vertx vertx;
    private final Shards shards;
    private final UserTokens tokens;
    private final long identifyTimeoutMs;
    private final int maxFrameBytes;

    public Gateway(final Vertx vertx, final Shards shards, final UserTokens tokens, final long identifyTimeoutMs,
        final int maxFrameBytes)
    {
        this.vertx = vertx;
        this.shards = shards;
        this.tokens = tokens;
        this.identifyTimeoutMs = identifyTimeoutMs;
        this.maxFrameBytes = maxFrameBytes;
    }

    public void accept(final ServerWebSocket socket)
    {
        new Connection(socket).start();
    }

    /** One socket, on the event loop that accepted it. */
    private final class Connection
    {
        private final ServerWebSocket socket;
        private boolean identifying;
        private Session session;
        private Shard shard;
        private long identifyTimer;

        Connection(final ServerWebSocket socket)
        {
            this.socket = socket;
        }

        void start()
        {
            identifyTimer = vertx.setTimer(identifyTimeoutMs, id ->
            {
                if (session == null)
                {
                    socket.close(CloseCodes.IDENTIFY_TIMEOUT, "no identify in time");
                }
            });
            socket.textMessageHandler(this::onText);
            socket.binaryMessageHandler(b -> socket.close(CloseCodes.INVALID_FRAME, "binary frames are not part of the protocol"));
            socket.pongHandler(p -> heard());
            socket.exceptionHandler(e -> socket.close());
            socket.closeHandler(v ->
            {
                vertx.cancelTimer(identifyTimer);
                if (session != null)
                {
                    session.closed = true;
                    final Session closing = session;
                    shard.run(s ->
                    {
                        s.sessions().close(closing);
                        return null;
                    });
                }
            });
        }

        private void heard()
        {
            if (session != null)
            {
                session.lastHeard = System.currentTimeMillis();
            }
        }

        private void onText(final String text)
        {
            heard();
            if (text.length() > maxFrameBytes)
            {
                socket.close(CloseCodes.MESSAGE_TOO_BIG, "frames are limited to " + maxFrameBytes + " bytes");
                return;
            }
            final JsonObject frame;
            try
            {
                final Object parsed = io.vertx.core.json.Json.decodeValue(text);
                if (!(parsed instanceof JsonObject))
                {
                    invalid("a frame must be a JSON object");
                    return;
                }
                frame = (JsonObject)parsed;
            }
            catch (final DecodeException e)
            {
                invalid("not valid JSON");
                return;
            }
            final Object op = frame.getValue("op");
            if ("identify".equals(op) && session == null && !identifying)
            {
                identify(frame.getValue("token"));
            }
            else if (session == null)
            {
                invalid(identifying ? "wait for ready" : "the first frame must be identify");
            }
            else if ("ping".equals(op))
            {
                socket.writeTextMessage("{\"op\":\"pong\"}");
            }
            else if ("ack".equals(op))
            {
                ack(frame);
            }
            else
            {
                invalid("unknown op");
            }
        }

        private void identify(final Object token)
        {
            if (!(token instanceof String))
            {
                socket.close(CloseCodes.AUTHENTICATION_FAILED, "identify needs a token");
                return;
            }
            identifying = true;
            tokens.verify((String)token).onComplete(verified ->
            {
                if (verified.failed())
                {
                    socket.close(CloseCodes.AUTHENTICATION_FAILED, "the token is not valid");
                    return;
                }
                final long userId = verified.result();
                final Session candidate = new Session(userId, socket, System.currentTimeMillis());
                final Shard owner = shards.ofUser(userId);
                owner.withUser(userId, s -> s.sessions().open(candidate)).onComplete(opened ->
                {
                    identifying = false;
                    if (opened.failed())
                    {
                        socket.close(CloseCodes.GOING_AWAY, opened.cause() instanceof Unavailable ?
                            "your read states cannot be loaded right now; reconnect shortly" : "internal error");
                    }
                    else if (opened.result() != 0)
                    {
                        socket.close(opened.result(), "too many sessions");
                    }
                    else
                    {
                        vertx.cancelTimer(identifyTimer);
                        session = candidate;
                        shard = owner;
                        if (socket.isClosed())
                        {
                            session.closed = true;
                            owner.run(s ->
                            {
                                s.sessions().close(candidate);
                                return null;
                            });
                        }
                    }
                });
            });
        }

        private void ack(final JsonObject frame)
        {
            final long channelId;
            final long messageId;
            try
            {
                channelId = Snowflake.parse(frame.getValue("channelId"));
                messageId = Snowflake.parse(frame.getValue("messageId"));
            }
            catch (final IllegalArgumentException e)
            {
                invalid("ack needs channelId and messageId, ids from 1 to 18446744073709551615");
                return;
            }
            final long userId = session.userId;
            shard.withUser(userId, s -> s.ack(userId, channelId, messageId)).onFailure(e ->
                socket.writeTextMessage(new JsonObject().put("op", "error")
                    .put("error", e instanceof Unavailable ? ((Unavailable)e).code() : "internal")
                    .put("message", e.getMessage()).encode()));
        }

        private void invalid(final String reason)
        {
            socket.close(CloseCodes.INVALID_FRAME, reason);
        }
    }
}
