package io.readstates.api;

import io.readstates.gateway.UserTokens;
import io.readstates.persist.ReadStateWrite;
import io.readstates.persist.RedisLayout;
import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.GatewayClient;
import io.readstates.support.RunningService;
import io.readstates.support.Scrape;
import io.readstates.support.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request refused with an error has applied nothing: not in memory, not in Redis, not on the
 * gateway. Memory is filled with changes Redis cannot confirm (it is down), then a bulk ack and a
 * message that each need one more record are refused whole.
 */
class RefusalsChangeNothingTest
{
    private static final String SECRET = "a-user-token-secret-of-32-chars-or-more";
    private static final int USERS = 200;

    private static void ack(final Api api, final long user, final long channel, final long message)
    {
        final Api.Reply reply = api.post("/v1/users/" + user + "/channels/" + channel + "/ack", "{\"messageId\":" + message + "}");
        assertEquals(200, reply.status(), reply::toString);
    }

    @Test
    void shouldApplyNothingOfABulkAckOrAMessageThatDoesNotFit() throws Exception
    {
        final Vertx vertx = Vertx.vertx();
        try (TestRedis redis = new TestRedis();
            RunningService service = RunningService.start(redis.url(), Map.of("READSTATES_SHARDS", "1",
                "READSTATES_CACHE_BYTES", String.valueOf(64 * 1024), "READSTATES_USER_TOKEN_SECRET", SECRET)))
        {
            final Api api = service.api();
            for (long user = 1; user <= USERS; user++)
            {
                ack(api, user, 1, 100);
            }
            Await.until("every ack written", 10_000, () -> Scrape.sum(api, "readstates_dirty_records") == 0);
            try (GatewayClient watcher = GatewayClient.identified(service.port(), new UserTokens(vertx, SECRET).issue(1, 600)))
            {
                redis.stop();
                int refused = 0;
                for (long channel = 2; refused == 0; channel++)
                {
                    for (long user = 1; user <= USERS && refused == 0; user++)
                    {
                        final Api.Reply reply = api.post("/v1/users/" + user + "/channels/" + channel + "/ack",
                            "{\"messageId\":100}");
                        if (reply.status() == 503)
                        {
                            assertEquals("memory_full", reply.json().getString("error"), reply::toString);
                            refused++;
                        }
                    }
                }
                // Everything pushed so far has arrived once the push of this change has.
                ack(api, 1, 1, 150);
                watcher.next(f -> "read_state".equals(f.getString("op")) && "150".equals(f.getString("lastMessageId")), 5_000);
                final String stateBefore = api.get("/v1/users/1/channels/1/read-state").body();

                final Api.Reply bulk = api.post("/v1/users/1/acks",
                    "{\"acks\":[{\"channelId\":1,\"messageId\":999},{\"channelId\":9999,\"messageId\":5}]}");
                assertEquals(503, bulk.status(), bulk::toString);
                assertEquals("memory_full", bulk.json().getString("error"));
                assertEquals(stateBefore, api.get("/v1/users/1/channels/1/read-state").body(), "the ack that fitted was not applied");
                assertEquals(404, api.get("/v1/users/1/channels/9999/read-state").status());

                final Api.Reply message = api.post("/v1/messages",
                    "{\"channelId\":8888,\"messageId\":500,\"authorId\":1,\"mentions\":[2,3]}");
                assertEquals(503, message.status(), message::toString);
                for (final long user : new long[] {1, 2, 3})
                {
                    assertEquals(404, api.get("/v1/users/" + user + "/channels/8888/read-state").status());
                }

                // A change that fits reaches the watcher the way any push of the refused ones would have, after them.
                ack(api, 1, 1, 1_000);
                final JsonObject first = watcher.next(f -> true, 5_000);
                assertEquals("read_state", first.getString("op"), first::encode);
                assertEquals("1000", first.getString("lastMessageId"), "the refused requests pushed nothing: " + first);

                redis.start();
                Await.until("every change written", 20_000, () -> Scrape.sum(api, "readstates_dirty_records") == 0);
                final Map<String, String> stored = redis.hash(RedisLayout.userKey(1));
                assertFalse(stored.containsKey("9999"), stored::toString);
                assertFalse(stored.containsKey("8888"), stored::toString);
                assertNull(redis.hash(RedisLayout.userKey(2)).get("8888"));
                assertTrue(refused > 0);
            }
        }
        finally
        {
            vertx.close();
        }
    }

    @Test
    void shouldSayRetryingWillNotHelpWhenAUserCannotFitAtAll() throws Exception
    {
        try (TestRedis redis = new TestRedis();
            RunningService service = RunningService.start(redis.url(), Map.of("READSTATES_SHARDS", "1",
                "READSTATES_CACHE_BYTES", String.valueOf(64 * 1024))))
        {
            for (final Request load : RedisLayout.loadScripts())
            {
                redis.send(load);
            }
            final ReadStateWrite write = new ReadStateWrite().user(42, 0);
            for (long channel = 1; channel <= 2_000; channel++)
            {
                write.readState(channel, 10, 0, 1, false);
            }
            redis.send(write.request());
            final Api.Reply reply = service.api().get("/v1/users/42/read-states");
            assertEquals(507, reply.status(), reply::toString);
            assertEquals("cache_too_small", reply.json().getString("error"));
            assertNull(reply.retryAfter(), "retrying will not help");
        }
    }
}
