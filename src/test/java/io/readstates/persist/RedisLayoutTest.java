package io.readstates.persist;

import io.readstates.support.TestRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Redis encoding and the scripts that keep Redis from going back in time. */
class RedisLayoutTest
{
    private static TestRedis redis;

    @BeforeAll
    static void start() throws Exception
    {
        redis = new TestRedis();
    }

    @AfterAll
    static void stop()
    {
        redis.close();
    }

    private static void write(final String key, final String channel, final String value, final long version) throws Exception
    {
        redis.send(Request.cmd(Command.EVAL).arg(RedisLayout.WRITE_READ_STATES).arg(1).arg(key).arg(channel).arg(value).arg(version));
    }

    @Test
    void shouldRoundTripUnsignedIdsThroughTheEncoding()
    {
        final RedisLayout.StoredReadState state = RedisLayout.decode(RedisLayout.encode(-1L, 7, 12));
        assertEquals(-1L, state.lastReadMessageId());
        assertEquals(7, state.mentionCount());
        assertEquals(12, state.version());
        assertEquals("18446744073709551615:7:12", RedisLayout.encode(-1L, 7, 12));
        assertEquals("rs:{18446744073709551615}", RedisLayout.userKey(-1L));
        assertThrows(IllegalArgumentException.class, () -> RedisLayout.decode("12:3"));
    }

    @Test
    void shouldNeverLetAnOlderVersionOverwriteANewerOne() throws Exception
    {
        write("rs:{1}", "10", RedisLayout.encode(500, 0, 5), 5);
        write("rs:{1}", "10", RedisLayout.encode(400, 3, 3), 3);
        assertEquals(Map.of("10", "500:0:5"), redis.hash("rs:{1}"));
        write("rs:{1}", "10", RedisLayout.encode(500, 0, 5), 5);
        write("rs:{1}", "10", RedisLayout.encode(300, 1, 6), 6);
        assertEquals(Map.of("10", "300:1:6"), redis.hash("rs:{1}"), "a newer manual ack may move backwards");
    }

    @Test
    void shouldDeleteOnlyWithAVersionNotOlderThanTheStoredOne() throws Exception
    {
        write("rs:{2}", "10", RedisLayout.encode(500, 0, 5), 5);
        write("rs:{2}", "10", "", 4);
        assertEquals(Map.of("10", "500:0:5"), redis.hash("rs:{2}"));
        write("rs:{2}", "10", "", 6);
        assertEquals(Map.of(), redis.hash("rs:{2}"));
    }

    @Test
    void shouldNeverMoveAChannelsLastMessageBackwards() throws Exception
    {
        for (final String last : new String[] {"99", "18446744073709551615", "100", "9"})
        {
            redis.send(Request.cmd(Command.EVAL).arg(RedisLayout.WRITE_CHANNEL).arg(1).arg("ch:{3}").arg(last).arg("7"));
        }
        assertEquals(Map.of("last", "18446744073709551615", "guild", "7"), redis.hash("ch:{3}"));
    }
}
