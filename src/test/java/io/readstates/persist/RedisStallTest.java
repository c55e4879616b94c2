package io.readstates.persist;

import io.readstates.gateway.CloseCodes;
import io.readstates.gateway.UserTokens;
import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.GatewayClient;
import io.readstates.support.RunningService;
import io.readstates.support.Scrape;
import io.readstates.support.TestRedis;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Redis that accepts connections but answers nothing (here: a paused process) is no worse than one
 * that is down: every wait is bounded by the Redis deadline, readiness says so, and nothing acknowledged
 * is lost.
 */
class RedisStallTest
{
    private static final long DEADLINE_MS = 500;
    /** What an answer may take beyond the deadline: hops between event loops, a busy test machine. */
    private static final long MARGIN_MS = 1_000;
    private static final String SECRET = "a-user-token-secret-of-32-chars-or-more";

    @Test
    void shouldAnswerWithinTheDeadlineWhileRedisIsStalledAndLoseNothing() throws Exception
    {
        final Vertx vertx = Vertx.vertx();
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger)LoggerFactory.getLogger(RedisStatus.class)).addAppender(log);
        try (TestRedis redis = new TestRedis();
            RunningService service = RunningService.start(redis.url(), Map.of(
                "READSTATES_REDIS_TIMEOUT_MS", String.valueOf(DEADLINE_MS),
                "READSTATES_USER_TOKEN_SECRET", SECRET)))
        {
            final Api api = service.api();
            final Api anonymous = api.withToken(null);
            assertEquals(200, api.post("/v1/users/1/channels/10/ack", "{\"messageId\":100}").status());
            Await.until("ready", 10_000, () -> anonymous.get("/health/ready").status() == 200);

            redis.pause();
            long started = System.nanoTime();
            final Api.Reply missing = api.get("/v1/users/2/read-states");
            final long waitedMs = (System.nanoTime() - started) / 1_000_000;
            assertEquals(503, missing.status(), missing::toString);
            assertEquals("redis_unavailable", missing.json().getString("error"));
            assertEquals("1", missing.retryAfter());
            assertTrue(waitedMs < DEADLINE_MS + MARGIN_MS, "answered after " + waitedMs + " ms");

            final Api.Reply acked = api.post("/v1/users/1/channels/10/ack", "{\"messageId\":200}");
            assertEquals(200, acked.status(), "a resident user is answered from memory: " + acked);

            started = System.nanoTime();
            try (GatewayClient client = GatewayClient.connect(service.port()))
            {
                client.send(new io.vertx.core.json.JsonObject().put("op", "identify")
                    .put("token", new UserTokens(vertx, SECRET).issue(3, 600)));
                assertEquals(CloseCodes.TRY_AGAIN_LATER, client.awaitClose(DEADLINE_MS + MARGIN_MS));
                assertEquals(0, client.received(), "nothing sent before the close");
            }

            Await.until("readiness to report Redis unreachable, and stay 200", 10_000,
                () -> anonymous.get("/health/ready").body().contains("\"reachable\":false"));
            assertEquals(200, anonymous.get("/health/ready").status(), "a Redis stall takes no node out of its load balancer");
            Await.until("every shard to report Redis unreachable", 10_000,
                () -> Scrape.sum(api, "readstates_redis_reachable") == 0);

            redis.resume();
            Await.until("readiness to report Redis back", 10_000,
                () -> anonymous.get("/health/ready").body().contains("\"reachable\":true"));
            Await.until("every shard to report Redis reachable", 10_000,
                () -> Scrape.sum(api, "readstates_redis_reachable") == 2);
            assertEquals(200, api.get("/v1/users/2/read-states").status(), "loads work again");
            Await.until("the ack made during the stall written", 10_000, () -> RedisLayout.encode(200, 0, 2)
                .equals(redis.hashOrFail(RedisLayout.userKey(1)).get("10")));
            assertEquals(List.of(Level.WARN, Level.INFO), log.list.stream().map(ILoggingEvent::getLevel).toList(),
                "one line when Redis went, one when it came back: " + log.list);
        }
        finally
        {
            ((Logger)LoggerFactory.getLogger(RedisStatus.class)).detachAppender(log);
            vertx.close();
        }
    }
}
