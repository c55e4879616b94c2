package io.readstates.persist;

import io.readstates.store.offheap.OffHeapReadStateStore;
import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With a cache far smaller than the data, thousands of users cycle through eviction and reload, and
 * every answer is the latest value written.
 */
class EvictionTest
{
    private static final long CACHE_BYTES_PER_SHARD = 64 * 1024;
    private static final int SHARDS = 2;
    private static final int USERS = 3_000;
    private static final int CHANNELS_PER_USER = 2;

    @Test
    void shouldAnswerEveryUserCorrectlyWhileTheyCycleThroughEviction() throws Exception
    {
        try (OffHeapReadStateStore probe = OffHeapReadStateStore.withCapacityBytes(CACHE_BYTES_PER_SHARD))
        {
            assertTrue(probe.userCapacity() * SHARDS * 4 < USERS, "the cache must hold far fewer users than the test uses");
        }
        try (TestRedis redis = new TestRedis();
            RunningService service = RunningService.start(redis.url(), Map.of(
                "READSTATES_SHARDS", String.valueOf(SHARDS),
                "READSTATES_CACHE_BYTES", String.valueOf(CACHE_BYTES_PER_SHARD * SHARDS))))
        {
            final Api api = service.api();
            for (int round = 1; round <= 2; round++)
            {
                for (int user = 1; user <= USERS; user++)
                {
                    for (int channel = 1; channel <= CHANNELS_PER_USER; channel++)
                    {
                        final int message = round * 100_000 + user * 10 + channel;
                        final String path = "/v1/users/" + (7_000_000 + user) + "/channels/" + channel + "/ack";
                        final Api.Reply reply = retryWhileFull(() -> api.post(path, "{\"messageId\":" + message + "}"));
                        assertEquals(String.valueOf(message), reply.json().getString("lastMessageId"));
                    }
                }
                for (int user = 1; user <= USERS; user++)
                {
                    final Api.Reply reply = api.get("/v1/users/" + (7_000_000 + user) + "/read-states");
                    assertEquals(200, reply.status(), reply::toString);
                    final JsonArray states = reply.json().getJsonArray("readStates");
                    assertEquals(CHANNELS_PER_USER, states.size(), reply::toString);
                    for (int i = 0; i < CHANNELS_PER_USER; i++)
                    {
                        final JsonObject state = states.getJsonObject(i);
                        final int channel = i + 1;
                        assertEquals(String.valueOf(round * 100_000 + user * 10 + channel), state.getString("lastMessageId"),
                            "user " + user + " channel " + channel + " in round " + round);
                        assertEquals(round, state.getLong("version"), "no write was lost between rounds");
                    }
                }
            }
        }
    }

    /** Memory full of unwritten changes is a 503 to retry, never a lost write. */
    private static Api.Reply retryWhileFull(final java.util.function.Supplier<Api.Reply> request)
    {
        final Api.Reply reply = Await.value("room for the change", 10_000, request, r ->
        {
            if (r.status() == 503)
            {
                assertEquals("memory_full", r.json().getString("error"), r::toString);
                return false;
            }
            return true;
        });
        assertEquals(200, reply.status(), reply::toString);
        return reply;
    }
}
