package io.readstates.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which requests the ack route takes before the router: only those the router would take straight to
 * the ack. What it answers is specified with everything else, over HTTP, by {@code HttpApiTest}.
 */
class AckRouteTest
{
    @Test
    void shouldTakeTheAckRoutesPathWithTwoValidIds()
    {
        assertEquals(12, AckRoute.userId("/v1/users/12/channels/345/ack"));
        assertEquals(345, AckRoute.channelId("/v1/users/12/channels/345/ack"));
        assertEquals(-1L, AckRoute.userId("/v1/users/18446744073709551615/channels/1/ack"), "the largest id, unsigned");
    }

    @Test
    void shouldLeaveEveryOtherPathToTheRouter()
    {
        for (final String path : new String[] {"/v1/users/12/channels/345/ack/", "/v1/users/12/channels/345/read-state",
            "/v1/users/12/channels//ack", "/v1/users//channels/345/ack", "/v1/users/12/channels/3/channels/4/ack",
            "/v1/users/0/channels/345/ack", "/v1/users/12/channels/0/ack", "/v1/users/-1/channels/345/ack",
            "/v1/users/1x/channels/345/ack", "/v1/users/18446744073709551616/channels/1/ack", "/v1/users/12/acks",
            "/v1/Users/12/channels/345/ack", "/v1/users/12/ack", "/ack"})
        {
            assertEquals(0, AckRoute.userId(path), path);
            assertEquals(0, AckRoute.channelId(path), path);
        }
    }

    @Test
    void shouldTakeOnlyBodiesWhoseLengthIsGivenAndWithinTheLimit()
    {
        assertTrue(AckRoute.bodyWithinLimit("17", 65_536));
        assertTrue(AckRoute.bodyWithinLimit("65536", 65_536));
        assertTrue(AckRoute.bodyWithinLimit("0", 65_536), "an empty body is the route's to refuse");
        assertFalse(AckRoute.bodyWithinLimit("65537", 65_536));
        assertFalse(AckRoute.bodyWithinLimit(null, 65_536));
        assertFalse(AckRoute.bodyWithinLimit("", 65_536));
        assertFalse(AckRoute.bodyWithinLimit("-1", 65_536));
        assertFalse(AckRoute.bodyWithinLimit("12345678901", 65_536));
    }
}
