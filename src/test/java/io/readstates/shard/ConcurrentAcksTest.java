package io.readstates.shard;

import io.readstates.support.Api;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Many clients acking the same users and channels at once, in random order, end in exactly the state
 * that applying max() one ack at a time gives: each shard applies its users' changes one by one.
 */
class ConcurrentAcksTest
{
    private static final int CLIENTS = 16;
    private static final int ACKS_PER_CLIENT = 300;
    private static final int USERS = 4;
    private static final int CHANNELS = 4;

    @Test
    void shouldEndInTheStateOfSequentialMax() throws Exception
    {
        try (TestRedis redis = new TestRedis(); RunningService service = RunningService.start(redis.url()))
        {
            final Api api = service.api();
            final ConcurrentHashMap<String, Long> expected = new ConcurrentHashMap<>();
            final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            final List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++)
            {
                final long seed = c;
                done.add(clients.submit(() ->
                {
                    final SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < ACKS_PER_CLIENT; i++)
                    {
                        final int user = 1 + random.nextInt(USERS);
                        final int channel = 1 + random.nextInt(CHANNELS);
                        final long message = 1 + random.nextLong(1_000_000_000L);
                        final Api.Reply reply = api.post("/v1/users/" + user + "/channels/" + channel + "/ack",
                            "{\"messageId\":" + message + "}");
                        assertEquals(200, reply.status(), reply::toString);
                        expected.merge(user + "/" + channel, message, Math::max);
                    }
                    return null;
                }));
            }
            for (final Future<?> f : done)
            {
                f.get(5, TimeUnit.MINUTES);
            }
            clients.shutdown();
            for (int user = 1; user <= USERS; user++)
            {
                for (int channel = 1; channel <= CHANNELS; channel++)
                {
                    final Api.Reply reply = api.get("/v1/users/" + user + "/channels/" + channel + "/read-state");
                    assertEquals(String.valueOf(expected.get(user + "/" + channel)), reply.json().getString("lastMessageId"));
                }
            }
        }
    }
}
