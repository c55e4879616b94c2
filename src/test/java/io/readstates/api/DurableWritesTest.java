package io.readstates.api;

import io.readstates.persist.RedisLayout;
import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A change asked for with {@code durable=true} is answered only once Redis has confirmed it. The service
 * here flushes once a minute, so that only a durable change can be in Redis when it is answered.
 */
class DurableWritesTest
{
    private static final Map<String, String> RARE_FLUSHES = Map.of("READSTATES_FLUSH_INTERVAL_MS", "60000",
        "READSTATES_REDIS_TIMEOUT_MS", "500");

    private static Map<String, String> rareFlushesAnd(final String setting, final String value)
    {
        final Map<String, String> settings = new java.util.HashMap<>(RARE_FLUSHES);
        settings.put(setting, value);
        return settings;
    }

    private static long acknowledgedReplicas(final TestRedis redis)
    {
        try
        {
            return redis.send(Request.cmd(Command.WAIT).arg(1).arg(100)).toLong();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("WAIT failed", e);
        }
    }

    private static String stored(final RunningService service, final long user, final long channel)
    {
        return service.redis().hashOrFail(RedisLayout.userKey(user)).get(String.valueOf(channel));
    }

    @Test
    void shouldAnswerADurableAckOnlyOnceRedisHoldsIt() throws Exception
    {
        try (RunningService service = RunningService.withOwnRedis(RARE_FLUSHES))
        {
            final Api api = service.api();
            assertEquals(200, api.post("/v1/users/1/channels/7/ack", "{\"messageId\":\"100\"}").status());
            assertNull(stored(service, 1, 7), "a plain ack waits for the next flush, a minute away");

            final Api.Reply durable = api.post("/v1/users/1/channels/8/ack?durable=true", "{\"messageId\":\"200\"}");
            assertEquals(200, durable.status(), durable::toString);
            assertEquals(RedisLayout.encode(200, 0, 1), stored(service, 1, 8), "in Redis when answered");

            final Api.Reply bulk = api.post("/v1/users/2/acks?durable=true",
                "{\"acks\":[{\"channelId\":\"7\",\"messageId\":\"300\"},{\"channelId\":\"8\",\"messageId\":\"400\"}]}");
            assertEquals(200, bulk.status(), bulk::toString);
            assertEquals(RedisLayout.encode(300, 0, 1), stored(service, 2, 7));
            assertEquals(RedisLayout.encode(400, 0, 1), stored(service, 2, 8));

            assertEquals(204, api.delete("/v1/users/1/channels/8/read-state?durable=true").status());
            assertNull(stored(service, 1, 8), "a durable deletion is gone from Redis when answered");

            final Api.Reply unchanged = api.post("/v1/users/2/channels/7/ack?durable=true", "{\"messageId\":\"300\"}");
            assertEquals(200, unchanged.status(), "an ack that changes nothing is durable already: " + unchanged);
        }
    }

    @Test
    void shouldMakeEveryChangeDurableOnANodeSetSoUnlessTheCallerSaysOtherwise() throws Exception
    {
        try (RunningService service = RunningService.withOwnRedis(rareFlushesAnd("READSTATES_DURABLE_WRITES", "true")))
        {
            final Api api = service.api();
            assertEquals(200, api.post("/v1/users/3/channels/7/ack", "{\"messageId\":\"100\"}").status());
            assertEquals(RedisLayout.encode(100, 0, 1), stored(service, 3, 7));
            assertEquals(200, api.post("/v1/users/3/channels/8/ack?durable=false", "{\"messageId\":\"100\"}").status());
            assertNull(stored(service, 3, 8), "the caller chose a plain ack");
        }
    }

    @Test
    void shouldSayWhenRedisDidNotConfirmADurableAckAndWriteItOnceRedisIsBack() throws Exception
    {
        try (RunningService service = RunningService.withOwnRedis(RARE_FLUSHES))
        {
            final Api api = service.api();
            assertEquals(200, api.post("/v1/users/4/channels/7/ack", "{\"messageId\":\"100\"}").status(), "user 4 resident");
            service.redis().stop();
            final Api.Reply refused = api.post("/v1/users/4/channels/7/ack?durable=true", "{\"messageId\":\"200\"}");
            assertEquals(503, refused.status(), refused::toString);
            assertEquals("not_confirmed", refused.json().getString("error"));
            assertEquals("1", refused.retryAfter());
            assertEquals("200", api.get("/v1/users/4/channels/7/read-state").json().getString("lastMessageId"),
                "the change is made, and kept");

            service.redis().start();
            Await.until("the change written once Redis is back", 30_000,
                () -> RedisLayout.encode(200, 0, 2).equals(stored(service, 4, 7)));
        }
    }

    @Test
    void shouldAnswerADurableAckOnlyOnceAReplicaHoldsItWhenToldToWaitForOne() throws Exception
    {
        try (RunningService service = RunningService.withOwnRedis(rareFlushesAnd("READSTATES_DURABLE_REPLICAS", "1")))
        {
            final Api api = service.api();
            final Api.Reply alone = api.post("/v1/users/6/channels/7/ack?durable=true", "{\"messageId\":\"100\"}");
            assertEquals(503, alone.status(), "a Redis without a replica cannot confirm it: " + alone);
            assertEquals("not_confirmed", alone.json().getString("error"));
            assertEquals(RedisLayout.encode(100, 0, 1), stored(service, 6, 7), "the master holds it all the same");

            try (TestRedis replica = service.redis().replica())
            {
                // In sync, and counted by the master: WAIT counts only replicas it lists as online.
                Await.until("the replica in sync", 10_000, () -> replica.hashOrFail(RedisLayout.userKey(6)).containsKey("7") &&
                    acknowledgedReplicas(service.redis()) == 1);
                final Api.Reply replicated = api.post("/v1/users/6/channels/8/ack?durable=true", "{\"messageId\":\"200\"}");
                assertEquals(200, replicated.status(), replicated::toString);
                assertEquals(RedisLayout.encode(200, 0, 1), replica.hashOrFail(RedisLayout.userKey(6)).get("8"),
                    "on the replica when answered");
            }
        }
    }

    @Test
    void shouldRefuseADurabilityItCannotReadAndChangeNothing() throws Exception
    {
        try (RunningService service = RunningService.withOwnRedis(RARE_FLUSHES))
        {
            final Api api = service.api();
            for (final String query : new String[] {"durable=yes", "durable=", "durable=true&durable=false"})
            {
                final Api.Reply reply = api.post("/v1/users/5/channels/7/ack?" + query, "{\"messageId\":\"100\"}");
                assertEquals(400, reply.status(), query + ": " + reply);
                assertEquals("invalid_parameter", reply.json().getString("error"));
                assertTrue(reply.json().getString("message").contains("durable"), reply::toString);
            }
            assertEquals(404, api.get("/v1/users/5/channels/7/read-state").status(), "nothing was changed");
        }
    }
}
