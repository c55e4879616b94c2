package io.readstates.ops;

import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Readiness follows Redis; liveness does not; neither needs a token nor says anything about users. */
class HealthTest
{
    private static void awaitStatus(final Api api, final String path, final int status)
    {
        Await.until(path + " answering " + status, 10_000, () -> api.get(path).status() == status);
    }

    @Test
    void shouldGoUnreadyWhileRedisIsDownAndReadyWhenItReturns() throws Exception
    {
        try (TestRedis redis = new TestRedis(); RunningService service = RunningService.start(redis.url()))
        {
            final Api anonymous = service.api().withToken(null);
            awaitStatus(anonymous, "/health/ready", 200);
            assertEquals(200, anonymous.get("/health/live").status());

            redis.stop();
            awaitStatus(anonymous, "/health/ready", 503);
            assertEquals(200, anonymous.get("/health/live").status(), "still alive: it answers resident users");

            redis.start();
            awaitStatus(anonymous, "/health/ready", 200);
        }
    }
}
