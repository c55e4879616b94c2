package io.readstates.gateway;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.readstates.domain.Refusal;
import io.readstates.shard.Shard;
import io.readstates.wire.Codec;
import io.readstates.wire.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * One socket and the protocol spoken on it, on the event loop that accepted it: frames are gathered and
 * checked, identify registers the session with the user's shard, acks are handed to it.
 */
final class Connection
{
    private static final Refusal INTERNAL = Refusal.of(500, "internal", "an internal error occurred");

    /** What the user's shard answers to an identify: a close code, or the snapshot to send. */
    record Opened(short refusal, String readyFrame, String badgesFrame)
    {
    }

    private final GatewayLoop loop;
    private final Gateway gateway;
    private final Vertx vertx;
    private final ServerWebSocket socket;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    /** The message being gathered from its frames, or null between messages. */
    private Buffer message;
    private boolean messageIsText;
    private boolean identifying;
    private Session session;
    private long identifyTimer;

    Connection(final GatewayLoop loop, final ServerWebSocket socket)
    {
        this.loop = loop;
        this.gateway = loop.gateway;
        this.vertx = loop.vertx;
        this.socket = socket;
    }

    void start()
    {
        identifyTimer = vertx.setTimer(gateway.identifyTimeoutMs, id ->
        {
            if (session == null)
            {
                socket.close(CloseCodes.IDENTIFY_TIMEOUT, "no identify in time");
            }
        });
        socket.frameHandler(this::onFrame);
        socket.pongHandler(p -> heard());
        socket.exceptionHandler(this::failed);
        socket.closeHandler(v ->
        {
            vertx.cancelTimer(identifyTimer);
            if (session != null)
            {
                loop.forget(session);
            }
        });
    }

    /** Netty refused a frame (too large, reserved bits, bad framing): close with the code it names. */
    private void failed(final Throwable failure)
    {
        if (failure instanceof CorruptedWebSocketFrameException)
        {
            final WebSocketCloseStatus status = ((CorruptedWebSocketFrameException)failure).closeStatus();
            socket.close((short)status.code(), status.reasonText());
        }
        else
        {
            socket.close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private void heard()
    {
        if (session != null)
        {
            session.heard(GatewayLoop.monotonicMs());
        }
    }

    /**
     * Gathers a message from its frames, counting its size in bytes, and reads it as strict UTF-8:
     * the protocol's own errors close the socket with the code the protocol names, before anything
     * is acted on.
     */
    private void onFrame(final WebSocketFrame frame)
    {
        heard();
        if (frame.isText() || frame.isBinary())
        {
            if (message != null)
            {
                socket.close(CloseCodes.PROTOCOL_ERROR, "a new message began before the last one ended");
                return;
            }
            message = Buffer.buffer();
            messageIsText = frame.isText();
        }
        else if (!frame.isContinuation())
        {
            return;
        }
        else if (message == null)
        {
            socket.close(CloseCodes.PROTOCOL_ERROR, "a continuation frame without a message");
            return;
        }
        message.appendBuffer(frame.binaryData());
        if (message.length() > gateway.maxFrameBytes)
        {
            socket.close(CloseCodes.MESSAGE_TOO_BIG, "messages are limited to " + gateway.maxFrameBytes + " bytes");
            return;
        }
        if (!frame.isFinal())
        {
            return;
        }
        final Buffer whole = message;
        message = null;
        if (!messageIsText)
        {
            invalid("binary frames are not part of the protocol");
            return;
        }
        final String text = strictUtf8(whole);
        if (text == null)
        {
            socket.close(CloseCodes.INVALID_PAYLOAD, "text frames must be valid UTF-8");
            return;
        }
        onText(text);
    }

    private String strictUtf8(final Buffer bytes)
    {
        try
        {
            return utf8.reset().decode(ByteBuffer.wrap(bytes.getBytes())).toString();
        }
        catch (final CharacterCodingException e)
        {
            return null;
        }
    }

    private void onText(final String text)
    {
        final JsonObject frame = Codec.decodeFrame(text);
        if (frame == null)
        {
            invalid("a frame must be a JSON object");
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
            socket.writeTextMessage(Codec.PONG_FRAME);
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
        gateway.tokens.verify((String)token).onComplete(verified ->
        {
            if (verified.failed())
            {
                socket.close(CloseCodes.AUTHENTICATION_FAILED, "the token is not valid");
                return;
            }
            open(verified.result());
        });
    }

    /**
     * Registers the session on the user's shard, which answers with the snapshot taken in the same step;
     * in a cluster, with the user's owner, wherever it is.
     */
    private void open(final long userId)
    {
        if (gateway.cluster != null)
        {
            final Session candidate = new Session(userId, Session.REMOTE, socket, loop.context, GatewayLoop.monotonicMs(),
                gateway.pushLatency);
            gateway.cluster.open(candidate).onComplete(opened -> opened(candidate, opened));
            return;
        }
        final int shard = gateway.shards.indexOfUser(userId);
        final ShardSessions ofShard = gateway.sessions.get(shard);
        final Session candidate = new Session(userId, shard, socket, loop.context, GatewayLoop.monotonicMs(), gateway.pushLatency);
        gateway.shards.get(shard).withUser(userId, readStates ->
        {
            final short refusal = ofShard.open(candidate, readStates);
            if (refusal != 0)
            {
                return new Opened(refusal, null, null);
            }
            final Snapshot snapshot = ofShard.snapshot(userId, readStates);
            return new Opened((short)0, snapshot.readyFrame(), snapshot.badgesFrame());
        }).onComplete(opened -> opened(candidate, opened));
    }

    private void opened(final Session candidate, final io.vertx.core.AsyncResult<Opened> opened)
    {
        identifying = false;
        if (opened.failed())
        {
            loop.forget(candidate);
            if (opened.cause() instanceof Refusal)
            {
                socket.close(CloseCodes.TRY_AGAIN_LATER, "your read states cannot be loaded right now; reconnect shortly");
            }
            else
            {
                socket.close(CloseCodes.INTERNAL_ERROR, "internal error");
            }
        }
        else if (opened.result().refusal() != 0)
        {
            socket.close(opened.result().refusal(), "too many sessions");
        }
        else if (socket.isClosed())
        {
            loop.forget(candidate);
        }
        else
        {
            vertx.cancelTimer(identifyTimer);
            session = candidate;
            loop.add(candidate);
            candidate.start(opened.result().readyFrame(), opened.result().badgesFrame());
        }
    }

    private void ack(final JsonObject frame)
    {
        final long channelId;
        final long messageId;
        try
        {
            channelId = Ids.parse(frame.getValue("channelId"), "channelId");
            messageId = Ids.parse(frame.getValue("messageId"), "messageId");
        }
        catch (final Refusal e)
        {
            invalid("ack needs channelId and messageId, ids from 1 to 18446744073709551615");
            return;
        }
        final long userId = session.userId;
        final Future<?> done = session.shard == Session.REMOTE ? gateway.cluster.ack(userId, channelId, messageId) :
            gateway.shards.get(session.shard).withUser(userId, readStates -> readStates.ack(userId, channelId, messageId));
        done.onFailure(e -> socket.writeTextMessage(Codec.errorFrame(e instanceof Refusal ? (Refusal)e : INTERNAL)));
    }

    private void invalid(final String reason)
    {
        socket.close(CloseCodes.INVALID_FRAME, reason);
    }
}
