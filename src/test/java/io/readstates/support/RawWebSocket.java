package io.readstates.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client that writes frames byte by byte, so that a test can send what no well-behaved
 * client library would: bad UTF-8, reserved bits, oversized frames.
 */
public final class RawWebSocket implements AutoCloseable
{
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** The server's close code as soon as it arrives, read while the test may still be writing. */
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    private RawWebSocket(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    private void startReading()
    {
        final Thread reader = new Thread(() ->
        {
            try
            {
                closeCode.complete(readUntilClose());
            }
            catch (final IOException e)
            {
                closeCode.complete(-1);
            }
        }, "raw-websocket-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects and completes the opening handshake on {@code path}. */
    public static RawWebSocket connect(final int port, final String path) throws IOException
    {
        final Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        final RawWebSocket ws = new RawWebSocket(socket);
        final String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        ws.out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n" +
            "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        final String status = ws.readLine();
        if (!status.startsWith("HTTP/1.1 101"))
        {
            throw new IOException("no upgrade: " + status);
        }
        while (!ws.readLine().isEmpty())
        {
            // the rest of the handshake's headers
        }
        ws.startReading();
        return ws;
    }

    private String readLine() throws IOException
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n')
        {
            if (b < 0)
            {
                throw new EOFException("closed during the handshake");
            }
            if (b != '\r')
            {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Sends one final frame, masked as a client must. */
    public void send(final int opcode, final byte[] payload) throws IOException
    {
        send(opcode, 0, payload);
    }

    /** @param reservedBits RSV1 to RSV3, as the bits 0x40, 0x20, 0x10 of the first byte */
    public void send(final int opcode, final int reservedBits, final byte[] payload) throws IOException
    {
        final ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | reservedBits | opcode);
        final int length = payload.length;
        if (length < 126)
        {
            frame.write(0x80 | length);
        }
        else if (length < 65536)
        {
            frame.write(0x80 | 126);
            frame.write(length >>> 8);
            frame.write(length);
        }
        else
        {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                frame.write((int)((long)length >>> shift));
            }
        }
        final byte[] mask = {1, 2, 3, 4};
        frame.write(mask);
        for (int i = 0; i < length; i++)
        {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        try
        {
            out.write(frame.toByteArray());
            out.flush();
        }
        catch (final IOException closedMeanwhile)
        {
            // The server may close before it has read all of a frame it refuses; its close frame tells why.
        }
    }

    public void sendText(final String text) throws IOException
    {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Waits for the server's close frame.
     *
     * @return its status code, -1 if the connection ended without one, -2 if it stayed open and silent
     */
    public int awaitCloseCode() throws Exception
    {
        return closeCode.get(10, TimeUnit.SECONDS);
    }

    private int readUntilClose() throws IOException
    {
        try
        {
            while (true)
            {
                final int first = in.readUnsignedByte();
                int length = in.readUnsignedByte() & 0x7f;
                if (length == 126)
                {
                    length = in.readUnsignedShort();
                }
                else if (length == 127)
                {
                    length = (int)in.readLong();
                }
                final byte[] payload = new byte[length];
                in.readFully(payload);
                if ((first & 0x0f) == CLOSE)
                {
                    return payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : -1;
                }
            }
        }
        catch (final SocketTimeoutException e)
        {
            return -2;
        }
        catch (final EOFException e)
        {
            return -1;
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
