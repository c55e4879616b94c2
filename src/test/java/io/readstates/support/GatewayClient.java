package io.readstates.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client of the gateway, recording every frame it receives and how it was closed. */
public final class GatewayClient implements AutoCloseable
{
    private static final Vertx VERTX = Vertx.vertx();

    private final WebSocketClient client;
    private final WebSocket socket;
    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Short> closed = new CompletableFuture<>();

    private GatewayClient(final WebSocketClient client, final WebSocket socket)
    {
        this.client = client;
        this.socket = socket;
        socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
    }

    public static GatewayClient connect(final int port) throws Exception
    {
        return connect(port, new WebSocketClientOptions());
    }

    /**
     * @param options for example a small receive buffer, as a client on a slow link has: without one,
     * the kernel's receive-buffer autotuning absorbs megabytes before the server notices anything.
     */
    public static GatewayClient connect(final int port, final WebSocketClientOptions options) throws Exception
    {
        return connect("127.0.0.1", port, options);
    }

    public static GatewayClient connect(final String host, final int port, final WebSocketClientOptions options) throws Exception
    {
        final WebSocketClient client = VERTX.createWebSocketClient(options.setMaxFrameSize(1 << 20));
        final WebSocket socket = client.connect(port, host, "/v1/gateway")
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new GatewayClient(client, socket);
    }

    /** Connects and identifies; @return the ready frame. */
    public static GatewayClient identified(final int port, final String token) throws Exception
    {
        return identified(port, token, new WebSocketClientOptions());
    }

    public static GatewayClient identified(final int port, final String token, final WebSocketClientOptions options)
        throws Exception
    {
        return identified("127.0.0.1", port, token, options);
    }

    public static GatewayClient identified(final String host, final int port, final String token,
        final WebSocketClientOptions options) throws Exception
    {
        final GatewayClient client = connect(host, port, options);
        client.send(new JsonObject().put("op", "identify").put("token", token));
        final JsonObject ready = client.next(f -> true, 10_000);
        if (!"ready".equals(ready.getString("op")))
        {
            throw new AssertionError("expected ready, got " + ready);
        }
        client.ready = ready;
        return client;
    }

    private JsonObject ready;

    public JsonObject ready()
    {
        return ready;
    }

    public void send(final JsonObject frame)
    {
        socket.writeTextMessage(frame.encode());
    }

    public void sendText(final String text)
    {
        socket.writeTextMessage(text);
    }

    public void sendBinary()
    {
        socket.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(new byte[] {1, 2, 3}));
    }

    /** Stops reading from the socket, as a client that hangs would. */
    public void stopReading()
    {
        socket.pause();
    }

    /** Reads again: what the server sent meanwhile, its close frame included, is now seen. */
    public void resumeReading()
    {
        socket.resume();
    }

    /** @return the next frame that matches, skipping others; fails after {@code timeoutMs}. */
    public JsonObject next(final Predicate<JsonObject> wanted, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        JsonObject skipped = null;
        while (true)
        {
            final JsonObject frame = frames.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (frame == null)
            {
                throw new AssertionError("no matching frame within " + timeoutMs + " ms; last other frame: " + skipped +
                    (closed.isDone() ? "; closed with " + closed.join() : ""));
            }
            skipped = frame;
            if (wanted.test(frame))
            {
                return frame;
            }
        }
    }

    public int received()
    {
        return frames.size();
    }

    /** @return every frame received and not yet taken, in order, taking them */
    public java.util.List<JsonObject> drain()
    {
        final java.util.List<JsonObject> all = new java.util.ArrayList<>();
        frames.drainTo(all);
        return all;
    }

    /** @return the close code the server closed with; fails if it does not within {@code timeoutMs}. */
    public short awaitClose(final long timeoutMs) throws Exception
    {
        return closed.get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close()
    {
        if (!socket.isClosed())
        {
            socket.close();
        }
        client.close();
    }
}
