package io.readstates.api;

import io.readstates.persist.RedisLayout;
import io.readstates.support.Api;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A data-protection request: {@code DELETE /v1/users/{userId}} removes every read state of the user, from
 * memory and from Redis, whether the user was in memory or only in Redis; nobody else's.
 */
class DeleteUserTest
{
    private static final String ACK = "{\"messageId\":\"%d\"}";

    @Test
    void shouldLeaveNothingOfTheUserInMemoryOrInRedis() throws Exception
    {
        try (RunningService service = RunningService.withOwnRedis(Map.of()))
        {
            final Api api = service.api();
            for (long channel = 1; channel <= 3; channel++)
            {
                assertEquals(200, api.post("/v1/users/7/channels/" + channel + "/ack?durable=true", ACK.formatted(100 + channel)).status());
            }
            assertEquals(200, api.post("/v1/users/8/channels/1/ack?durable=true", ACK.formatted(500)).status());
            assertEquals(3, service.redis().hash(RedisLayout.userKey(7)).size());

            assertEquals(204, api.delete("/v1/users/7?durable=true").status());

            assertEquals(0, api.get("/v1/users/7/read-states").json().getJsonArray("readStates").size());
            assertEquals(0, api.get("/v1/users/7/badges").json().getInteger("mentionCount"));
            assertEquals(Map.of(), service.redis().hash(RedisLayout.userKey(7)), "nothing of the user is left in Redis");
            assertEquals(1, service.redis().hash(RedisLayout.userKey(8)).size(), "another user is untouched");
            assertEquals("500", api.get("/v1/users/8/channels/1/read-state").json().getString("lastMessageId"));
            assertEquals(204, api.delete("/v1/users/7").status(), "deleting nothing is done already");
        }
    }

    @Test
    void shouldDeleteAUserThatIsOnlyInRedis() throws Exception
    {
        try (TestRedis redis = new TestRedis())
        {
            try (RunningService before = RunningService.start(redis))
            {
                assertEquals(200, before.api().post("/v1/users/9/channels/4/ack?durable=true", ACK.formatted(40)).status());
            }
            try (RunningService after = RunningService.start(redis))
            {
                assertEquals(204, after.api().delete("/v1/users/9?durable=true").status());
                assertEquals(Map.of(), redis.hash(RedisLayout.userKey(9)));
                assertEquals(404, after.api().get("/v1/users/9/channels/4/read-state").status());
            }
        }
    }

    @Test
    void shouldRefuseAUserIdItCannotReadAndDeleteNothing() throws Exception
    {
        try (RunningService service = RunningService.withOwnRedis(Map.of()))
        {
            final Api api = service.api();
            assertEquals(200, api.post("/v1/users/7/channels/1/ack", ACK.formatted(100)).status());
            final Api.Reply bad = api.delete("/v1/users/0");
            assertEquals(400, bad.status(), bad::toString);
            assertEquals(401, api.withToken("another-token-0123456789").delete("/v1/users/7").status());
            assertEquals(405, api.get("/v1/users/7").status(), "a user is deleted, not read, at this address");
            assertEquals("100", api.get("/v1/users/7/channels/1/read-state").json().getString("lastMessageId"));
        }
    }
}
