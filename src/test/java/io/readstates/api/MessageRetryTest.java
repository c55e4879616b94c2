package io.readstates.api;

import io.readstates.persist.RedisLayout;
import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A message posted again (the same channel and message id: a caller's retry after a timeout or a 503)
 * changes nothing and is answered as the first was, for the retry window, after a restart too. (That it
 * counts once on the same node, or on another of a cluster, is in {@code HttpApiTest}.)
 */
class MessageRetryTest
{
    private static String message(final long channel, final long message, final long... mentions)
    {
        final StringBuilder list = new StringBuilder();
        for (final long user : mentions)
        {
            list.append(list.isEmpty() ? "" : ",").append('"').append(user).append('"');
        }
        return "{\"channelId\":\"" + channel + "\",\"messageId\":\"" + message + "\",\"authorId\":\"1\",\"guildId\":\"5\"," +
            "\"mentions\":[" + list + "]}";
    }

    private static int mentions(final Api api, final long user, final long channel)
    {
        return api.get("/v1/users/" + user + "/channels/" + channel + "/read-state").json().getInteger("mentionCount");
    }

    @Test
    void shouldRecogniseARetryAfterARestart() throws Exception
    {
        try (TestRedis redis = new TestRedis())
        {
            try (RunningService before = RunningService.start(redis))
            {
                assertEquals(202, before.api().post("/v1/messages", message(20, 200, 42)).status());
                Await.until("the mention written", 10_000,
                    () -> redis.hashOrFail(RedisLayout.userKey(42)).containsKey("20"));
            }
            try (RunningService after = RunningService.start(redis))
            {
                assertEquals(202, after.api().post("/v1/messages", message(20, 200, 42)).status());
                assertEquals(1, mentions(after.api(), 42, 20), "the node that counted it is gone; Redis remembers");
            }
        }
    }

    @Test
    void shouldCountAMessageAgainOnceItsRetryWindowHasPassed() throws Exception
    {
        try (RunningService service = RunningService.withOwnRedis(Map.of("READSTATES_MESSAGE_RETRY_WINDOW_MS", "1000")))
        {
            final Api api = service.api();
            assertEquals(202, api.post("/v1/messages", message(30, 300, 42)).status());
            Thread.sleep(1_500);
            assertEquals(202, api.post("/v1/messages", message(30, 300, 42)).status());
            assertEquals(2, mentions(api, 42, 30), "past the window, the same message is a new one: the window is the promise");
        }
    }
}
