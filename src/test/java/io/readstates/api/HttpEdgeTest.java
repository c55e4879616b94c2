package io.readstates.api;

import io.readstates.support.RawHttp;
import io.readstates.support.RunningService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests at the edges of HTTP: every one gets a JSON answer that names the problem, none a 500, none a hanging connection. */
class HttpEdgeTest
{
    private static final String AUTH = "Authorization: Bearer " + RunningService.TOKEN + "\r\n";
    private static RunningService service;

    @BeforeAll
    static void start() throws Exception
    {
        service = RunningService.withOwnRedis(Map.of());
    }

    @AfterAll
    static void stop()
    {
        service.close();
    }

    private static RawHttp.Exchange send(final String request) throws Exception
    {
        return RawHttp.send(service.port(), request);
    }

    private static void assertRefused(final RawHttp.Exchange answer, final int status, final String code)
    {
        assertEquals(status, answer.status(), answer::toString);
        assertNotNull(answer.json().getString("message"), answer::toString);
        assertEquals(code, answer.json().getString("error"), answer::toString);
        assertTrue(answer.closedByServer(), "the connection is closed: " + answer);
    }

    @Test
    void shouldRefuseAMissingOrUnreadableHostWith400()
    {
        for (final String host : List.of("", "Host: a b\r\n", "Host: x:99999\r\n", "Host: x:0\r\n", "Host: %00\r\n",
            "Host: \u00e9t\u00e9\r\n", "Host: x:port\r\n"))
        {
            assertRefused(org.junit.jupiter.api.Assertions.assertDoesNotThrow(() ->
                send("GET /v1/users/1/badges HTTP/1.1\r\n" + host + AUTH + "\r\n")), 400, "invalid_host");
        }
    }

    @Test
    void shouldAnswerWhatTheCodecCannotReadWithJson() throws Exception
    {
        assertRefused(send("GARBAGE\r\n\r\n"), 400, "bad_request");
        assertRefused(send("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414, "uri_too_long");
        assertRefused(send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n"), 431, "headers_too_large");
        final RawHttp.Exchange badEscape = send("GET /v1/users/%zz/badges HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n");
        assertEquals(400, badEscape.status(), badEscape::toString);
        assertEquals("bad_request", badEscape.json().getString("error"), "a readable request: its connection may stay open");
    }

    @Test
    void shouldRefuseAnyTransferEncodingAndReadNothingAfterIt() throws Exception
    {
        final String smuggled = "GET /v1/users/1/badges HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n";
        final RawHttp.Exchange both = send("POST /v1/users/1/acks HTTP/1.1\r\nHost: x\r\n" + AUTH +
            "Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled);
        assertRefused(both, 400, "bad_request");
        assertEquals(1, both.answers(), "the request after it was not read: " + both);
        assertRefused(send("POST /v1/users/1/acks HTTP/1.1\r\nHost: x\r\n" + AUTH +
            "Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n"), 400, "bad_request");
    }

    @Test
    void shouldAnswerAStrayUpgradeAsPlainHttpAndCloseTheConnection() throws Exception
    {
        for (final String upgrade : List.of("Upgrade: websocket\r\nConnection: Upgrade\r\n",
            "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n"))
        {
            final RawHttp.Exchange answer = send("GET /v1/users/1/badges HTTP/1.1\r\nHost: x\r\n" + AUTH + upgrade + "\r\n");
            assertEquals(200, answer.status(), answer::toString);
            assertEquals("1", answer.json().getString("userId"));
            assertTrue(answer.closedByServer(), "closed after the answer: " + answer);
        }
        final RawHttp.Exchange gateway = send("GET /v1/gateway HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(503, gateway.status(), gateway::toString);
        assertEquals("gateway_off", gateway.json().getString("error"));
    }

    @Test
    void shouldNameTheAllowedMethodsOfA405() throws Exception
    {
        final RawHttp.Exchange answer = send("PUT /v1/users/1/channels/2/read-state HTTP/1.1\r\nHost: x\r\n" + AUTH +
            "Connection: close\r\n\r\n");
        assertEquals(405, answer.status(), answer::toString);
        assertEquals("DELETE, GET", answer.header("Allow"));
        assertEquals("method_not_allowed", answer.json().getString("error"));
    }

    @Test
    void shouldTakeTheBearerSchemeInAnyCase() throws Exception
    {
        final RawHttp.Exchange answer = send("GET /v1/users/1/badges HTTP/1.1\r\nHost: x\r\nAuthorization: bEaReR " +
            RunningService.TOKEN + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, answer.status(), answer::toString);
    }

    @Test
    void shouldNeverCallA404ABadRequest() throws Exception
    {
        final RawHttp.Exchange answer = send("GET /v1/nothing/here HTTP/1.1\r\nHost: x\r\n" + AUTH + "Connection: close\r\n\r\n");
        assertEquals(404, answer.status(), answer::toString);
        assertEquals("not_found", answer.json().getString("error"));
        assertFalse(answer.text().contains("bad_request"));
    }
}
