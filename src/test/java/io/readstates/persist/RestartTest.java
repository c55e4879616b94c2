package io.readstates.persist;

import io.readstates.support.Api;
import io.readstates.support.RedisFixture;
import io.readstates.support.ServiceProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Everything written through the API survives SIGTERM and a new process on the same Redis, one server
 * or a Redis Cluster. The flush
 * interval is long, so the changes are still only in memory when SIGTERM arrives: it is the shutdown
 * that must write them.
 */
class RestartTest
{
    private static final long[] USERS = {11, 12, 13, -1L}; // -1L is 2^64-1, the largest id

    @ParameterizedTest(name = "on {0}")
    @EnumSource(RedisFixture.Kind.class)
    void shouldKeepEveryReadStateAndBadgeAcrossSigtermAndRestart(final RedisFixture.Kind kind) throws Exception
    {
        try (RedisFixture redis = kind.start())
        {
            final Map<String, String> env = new HashMap<>(redis.env());
            env.put("READSTATES_FLUSH_INTERVAL_MS", "60000");
            env.put("READSTATES_SHARDS", "2");
            final Map<String, String> before = new LinkedHashMap<>();
            try (ServiceProcess first = ServiceProcess.start(env))
            {
                final Api api = first.api();
                post(api, "/v1/messages", "{\"channelId\":\"100\",\"messageId\":\"1000\",\"authorId\":\"11\",\"guildId\":\"9\",\"mentions\":[\"12\",\"13\"]}");
                post(api, "/v1/messages", "{\"channelId\":\"200\",\"messageId\":\"2000\",\"authorId\":\"12\",\"mentions\":[\"11\",\"18446744073709551615\"]}");
                post(api, "/v1/users/13/channels/300/ack", "{\"messageId\":\"50\"}");
                post(api, "/v1/users/13/channels/300/ack", "{\"messageId\":\"40\",\"manual\":true,\"mentionCount\":3}");
                post(api, "/v1/users/12/channels/400/ack", "{\"messageId\":\"1\"}");
                assertEquals(204, api.delete("/v1/users/12/channels/400/read-state").status());
                post(api, "/v1/messages", "{\"channelId\":\"100\",\"messageId\":\"1001\",\"authorId\":\"13\",\"guildId\":\"9\",\"mentions\":[\"12\"]}");
                snapshot(api, before);
                assertEquals(0, redis.hash(RedisLayout.userKey(11)).size(), "nothing was flushed yet, so the shutdown must do it");
                assertEquals(0, first.terminate(), "a clean stop with every change written");
                assertTrue(first.output().contains("stopped; every change was written"), first.output());
            }
            try (ServiceProcess second = ServiceProcess.start(env))
            {
                final Map<String, String> after = new LinkedHashMap<>();
                snapshot(second.api(), after);
                assertEquals(before, after);
                second.terminate();
            }
        }
    }

    private static void post(final Api api, final String path, final String body)
    {
        final Api.Reply reply = api.post(path, body);
        assertTrue(reply.status() == 200 || reply.status() == 202, reply::toString);
    }

    private static void snapshot(final Api api, final Map<String, String> into)
    {
        for (final long user : USERS)
        {
            final String id = Long.toUnsignedString(user);
            final Api.Reply states = api.get("/v1/users/" + id + "/read-states");
            final Api.Reply badges = api.get("/v1/users/" + id + "/badges");
            assertEquals(200, states.status(), states::toString);
            assertEquals(200, badges.status(), badges::toString);
            into.put(id + " read states", states.body());
            into.put(id + " badges", badges.body());
        }
        assertEquals(3, new JsonObject(into.get("13 badges")).getInteger("mentionCount"), into::toString);
    }
}
