package io.readstates.gateway;

import io.readstates.support.Api;
import io.readstates.support.GatewayClient;
import io.readstates.support.RawWebSocket;
import io.readstates.support.RunningService;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Frames that break the WebSocket protocol itself close the socket with the code the protocol names, and do nothing. */
class GatewayFramesTest
{
    private static final String SECRET = "a-user-token-secret-of-32-chars-or-more";
    private static final int MAX_FRAME_BYTES = 1024;
    private static RunningService service;
    private static Vertx vertx;

    @BeforeAll
    static void start() throws Exception
    {
        service = RunningService.withOwnRedis(Map.of("READSTATES_USER_TOKEN_SECRET", SECRET,
            "READSTATES_MAX_FRAME_BYTES", String.valueOf(MAX_FRAME_BYTES)));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop()
    {
        try
        {
            service.close();
        }
        finally
        {
            vertx.close();
        }
    }

    private static int closeCodeAfter(final int opcode, final int reservedBits, final byte[] payload, final boolean identified)
        throws Exception
    {
        try (RawWebSocket ws = RawWebSocket.connect(service.port(), Gateway.PATH))
        {
            if (identified)
            {
                ws.sendText("{\"op\":\"identify\",\"token\":\"" + new UserTokens(vertx, SECRET).issue(77, 600) + "\"}");
            }
            ws.send(opcode, reservedBits, payload);
            return ws.awaitCloseCode();
        }
    }

    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldCloseWith1007OnTextThatIsNotUtf8()
    {
        assertEquals(1007, assertDoesNotThrow(() -> closeCodeAfter(RawWebSocket.TEXT, 0,
            new byte[] {'{', '"', 'o', 'p', '"', ':', '"', (byte)0xC3, (byte)0x28, '"', '}'}, false)));
    }

    @Test
    void shouldCloseWith1002OnReservedBitsNoExtensionExplains()
    {
        assertEquals(1002, assertDoesNotThrow(() -> closeCodeAfter(RawWebSocket.TEXT, 0x40, utf8("{\"op\":\"ping\"}"), false)));
    }

    @Test
    void shouldCountTheFrameLimitInBytes()
    {
        final String wide = "\"" + "é".repeat(MAX_FRAME_BYTES / 2) + "\"";
        assertEquals(1009, assertDoesNotThrow(() -> closeCodeAfter(RawWebSocket.TEXT, 0, utf8(wide), false)),
            "fewer characters than the limit, more bytes");
    }

    @Test
    void shouldCloseWith1009OnEveryFrameOverTheLimit()
    {
        final byte[] over = paddedAck(MAX_FRAME_BYTES + 1);
        final byte[] far = paddedAck(70_000);
        for (final boolean identified : new boolean[] {false, true})
        {
            assertEquals(1009, assertDoesNotThrow(() -> closeCodeAfter(RawWebSocket.TEXT, 0, over, identified)), "text");
            assertEquals(1009, assertDoesNotThrow(() -> closeCodeAfter(RawWebSocket.BINARY, 0, over, identified)), "binary");
            assertEquals(1009, assertDoesNotThrow(() -> closeCodeAfter(RawWebSocket.TEXT, 0, far, identified)), "70 KB");
        }
    }

    private static <T> T assertDoesNotThrow(final org.junit.jupiter.api.function.ThrowingSupplier<T> work)
    {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(work);
    }

    /** A valid ack of channel 5 for user 77, padded with spaces to {@code bytes}: acting on it would show. */
    private static byte[] paddedAck(final int bytes)
    {
        final String ack = "{\"op\":\"ack\",\"channelId\":\"5\",\"messageId\":\"9\"";
        return utf8(ack + " ".repeat(bytes - ack.length() - 1) + "}");
    }

    @Test
    void shouldActOnNoFrameItRefused() throws Exception
    {
        shouldCloseWith1009OnEveryFrameOverTheLimit();
        try (RawWebSocket ws = RawWebSocket.connect(service.port(), Gateway.PATH))
        {
            ws.sendText("{\"op\":\"identify\",\"token\":\"" + new UserTokens(vertx, SECRET).issue(77, 600) + "\"}");
            final byte[] badUtf8Ack = paddedAck(100);
            badUtf8Ack[40] = (byte)0xC3;
            badUtf8Ack[41] = (byte)0x28;
            ws.send(RawWebSocket.TEXT, badUtf8Ack);
            assertEquals(1007, ws.awaitCloseCode());
        }
        final Api.Reply state = service.api().get("/v1/users/77/channels/5/read-state");
        assertEquals(404, state.status(), "no ack was applied: " + state);
    }

    @Test
    void shouldCloseEverySessionWith1001WhenTheServiceStops() throws Exception
    {
        final RunningService stopping = RunningService.start(service.redis().url(), Map.of("READSTATES_USER_TOKEN_SECRET", SECRET));
        try (GatewayClient client = GatewayClient.identified(stopping.port(), new UserTokens(vertx, SECRET).issue(78, 600)))
        {
            stopping.close();
            assertEquals(CloseCodes.GOING_AWAY, client.awaitClose(10_000));
        }
    }
}
