package io.readstates.support;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Sends bytes that no HTTP client library would, and reads back everything the server says on that connection. */
public final class RawHttp
{
    private RawHttp()
    {
    }

    /** What came back on one connection. */
    public record Exchange(String text, boolean closedByServer)
    {
        public int status()
        {
            return text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
        }

        public String header(final String name)
        {
            for (final String line : text.split("\r\n"))
            {
                if (line.isEmpty())
                {
                    break;
                }
                final int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
                {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        /** The body of the first answer, as JSON. */
        public JsonObject json()
        {
            final int start = text.indexOf("\r\n\r\n") + 4;
            final String length = header("content-length");
            final String body = length == null ? text.substring(start) : text.substring(start, start + Integer.parseInt(length));
            return new JsonObject(body);
        }

        /** @return how many answers came back. */
        public int answers()
        {
            int count = 0;
            for (int i = text.indexOf("HTTP/1."); i >= 0; i = text.indexOf("HTTP/1.", i + 1))
            {
                count++;
            }
            return count;
        }

        @Override
        public String toString()
        {
            return text.toLowerCase(Locale.ROOT).length() > 500 ? text.substring(0, 500) + "..." : text;
        }
    }

    /** Sends {@code request} and reads until the server closes the connection or is silent for {@code quietMs}. */
    public static Exchange send(final int port, final byte[] request, final int quietMs) throws IOException
    {
        try (Socket socket = new Socket("127.0.0.1", port))
        {
            socket.setSoTimeout(quietMs);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream received = new ByteArrayOutputStream();
            final byte[] buffer = new byte[8192];
            boolean closed = false;
            try
            {
                int n;
                while ((n = in.read(buffer)) >= 0)
                {
                    received.write(buffer, 0, n);
                }
                closed = true;
            }
            catch (final SocketTimeoutException quiet)
            {
                closed = false;
            }
            catch (final IOException reset)
            {
                closed = true;
            }
            return new Exchange(received.toString(StandardCharsets.ISO_8859_1), closed);
        }
    }

    public static Exchange send(final int port, final String request) throws IOException
    {
        return send(port, request.getBytes(StandardCharsets.ISO_8859_1), 2_000);
    }
}
