package io.readstates.ops;

import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness says whether the node can serve its users; it reports Redis without depending on it, so that
 * a Redis hiccup takes no node out of its load balancer. Neither needs a token nor says anything about users.
 */
class HealthTest
{
    private static void awaitStatus(final Api api, final String path, final int status)
    {
        Await.until(path + " answering " + status, 10_000, () -> api.get(path).status() == status);
    }

    private static boolean redisReachable(final Api api)
    {
        final Api.Reply ready = api.get("/health/ready");
        assertEquals(200, ready.status(), "ready whatever Redis does: " + ready);
        for (final Object check : ready.json().getJsonArray("checks"))
        {
            final JsonObject c = (JsonObject)check;
            if ("redis".equals(c.getString("id")))
            {
                return c.getJsonObject("data").getBoolean("reachable");
            }
        }
        throw new AssertionError("no redis check in " + ready);
    }

    @Test
    void shouldStayReadyWhileRedisIsDownAndSaySo() throws Exception
    {
        try (TestRedis redis = new TestRedis(); RunningService service = RunningService.start(redis.url()))
        {
            final Api anonymous = service.api().withToken(null);
            awaitStatus(anonymous, "/health/ready", 200);
            assertTrue(redisReachable(anonymous));
            assertEquals(200, anonymous.get("/health/live").status());

            redis.stop();
            Await.until("readiness to report Redis unreachable", 10_000, () -> !redisReachable(anonymous));
            assertEquals(200, anonymous.get("/health/live").status(), "alive: it answers resident users");

            redis.start();
            Await.until("readiness to report Redis back", 10_000, () -> redisReachable(anonymous));
        }
    }
}
