package io.readstates.ops;

import io.readstates.support.Api;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Readiness follows Redis; liveness does not; neither needs a token nor says anything about users. */
class HealthTest
{
    private static void awaitStatus(final Api api, final String path, final int status) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 10_000;
        int last = -1;
        while (System.currentTimeMillis() < deadline)
        {
            last = api.get(path).status();
            if (last == status)
            {
                return;
            }
            Thread.sleep(100);
        }
        assertEquals(status, last, path);
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
