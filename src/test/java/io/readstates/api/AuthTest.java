package io.readstates.api;

import io.readstates.support.Api;
import io.readstates.support.Api.Reply;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No route answers without an internal token, and a refused request changes nothing; a token being rotated
 * out still works beside the new one, and the metrics token reads the metrics and nothing else.
 */
class AuthTest
{
    private static final String OLD_TOKEN = "the-token-being-rotated-out";
    private static final String METRICS_TOKEN = "the-scraper-token-0123456";
    private static final long USER = 4242;
    private static final long CHANNEL = 77;
    private static final String ACK = "{\"messageId\":\"99\"}";
    private static final List<String[]> ROUTES = List.of(
        new String[] {"POST", "/v1/messages", "{\"channelId\":\"77\",\"messageId\":\"100\",\"authorId\":\"4242\"}"},
        new String[] {"POST", "/v1/users/4242/channels/77/ack", ACK},
        new String[] {"POST", "/v1/users/4242/acks", "{\"acks\":[{\"channelId\":\"77\",\"messageId\":\"101\"}]}"},
        new String[] {"GET", "/v1/users/4242/read-states", null},
        new String[] {"GET", "/v1/users/4242/channels/77/read-state", null},
        new String[] {"DELETE", "/v1/users/4242/channels/77/read-state", null},
        new String[] {"GET", "/v1/users/4242/badges", null},
        new String[] {"GET", "/v1/no-such-route", null});

    private static TestRedis redis;
    private static RunningService service;

    @BeforeAll
    static void start() throws Exception
    {
        redis = new TestRedis();
        service = RunningService.start(redis.url(), Map.of("READSTATES_INTERNAL_TOKEN", RunningService.TOKEN + "," + OLD_TOKEN,
            "READSTATES_METRICS_TOKEN", METRICS_TOKEN));
        assertEquals(200, service.api().post("/v1/users/" + USER + "/channels/" + CHANNEL + "/ack", "{\"messageId\":\"50\"}").status());
    }

    @AfterAll
    static void stop() throws Exception
    {
        service.close();
        redis.close();
    }

    @Test
    void shouldRefuseEveryRouteWithoutAToken()
    {
        assertEveryRouteRefused(service.api().withToken(null));
    }

    @Test
    void shouldRefuseEveryRouteWithAWrongToken()
    {
        assertEveryRouteRefused(service.api().withToken("not-the-internal-token-at-all"));
        assertEveryRouteRefused(service.api().withToken(RunningService.TOKEN + "x"));
    }

    @Test
    void shouldAcceptEveryTokenOfARotation()
    {
        final Reply state = service.api().withToken(OLD_TOKEN).get("/v1/users/" + USER + "/channels/" + CHANNEL + "/read-state");
        assertEquals(200, state.status(), state::toString);
        assertEquals("50", state.json().getString("lastMessageId"));
        assertEquals(200, service.api().withToken(OLD_TOKEN).get("/metrics").status());
    }

    @Test
    void shouldLetTheMetricsTokenReadTheMetricsAndNothingElse()
    {
        final Reply metrics = service.api().withToken(METRICS_TOKEN).get("/metrics");
        assertEquals(200, metrics.status(), metrics::toString);
        assertTrue(metrics.body().contains("# TYPE"), "a Prometheus scrape");
        assertEquals(401, service.api().withToken(null).get("/metrics").status());
        assertEveryRouteRefused(service.api().withToken(METRICS_TOKEN));
    }

    private static void assertEveryRouteRefused(final Api api)
    {
        for (final String[] route : ROUTES)
        {
            final Reply reply = api.send(route[0], route[1], route[2], route[2] == null ? null : "application/json");
            assertEquals(401, reply.status(), () -> route[0] + " " + route[1] + " answered " + reply);
            assertEquals("unauthorized", reply.json().getString("error"));
        }
        final Reply state = service.api().get("/v1/users/" + USER + "/channels/" + CHANNEL + "/read-state");
        assertEquals(200, state.status(), state::toString);
        assertEquals("50", state.json().getString("lastMessageId"), "nothing changed");
        assertEquals(1, state.json().getLong("version"));
        assertEquals(0, state.json().getInteger("mentionCount"));
    }
}
