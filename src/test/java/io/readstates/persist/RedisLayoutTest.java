package io.readstates.persist;

import io.readstates.support.TestRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @BeforeEach
    void loadScripts() throws Exception
    {
        for (final Request load : RedisLayout.loadScripts())
        {
            redis.send(load);
        }
    }

    private static void write(final long userId, final long channel, final long lastRead, final long version) throws Exception
    {
        redis.send(new ReadStateWrite().user(userId, 0).readState(channel, lastRead, 0, version, false).request());
    }

    private static void delete(final long userId, final long channel, final long version) throws Exception
    {
        redis.send(new ReadStateWrite().user(userId, 0).readState(channel, 0, 0, version, true).request());
    }

    private static Map<String, String> readStatesOf(final long userId) throws Exception
    {
        return redis.hash(RedisLayout.userKey(userId));
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
        write(1, 10, 500, 5);
        write(1, 10, 400, 3);
        assertEquals(Map.of("10", RedisLayout.encode(500, 0, 5)), readStatesOf(1));
        write(1, 10, 500, 5);
        write(1, 10, 300, 6);
        assertEquals(Map.of("10", RedisLayout.encode(300, 0, 6)), readStatesOf(1), "a newer manual ack may move backwards");
    }

    @Test
    void shouldDeleteOnlyWithAVersionNotOlderThanTheStoredOne() throws Exception
    {
        write(2, 10, 500, 5);
        delete(2, 10, 4);
        assertEquals(Map.of("10", RedisLayout.encode(500, 0, 5)), readStatesOf(2));
        delete(2, 10, 6);
        assertEquals(Map.of(), readStatesOf(2));
    }

    @Test
    void shouldWriteManyUsersInOneCallAndRefuseOnlyTheUserWhoseWriterIsStale() throws Exception
    {
        redis.send(new ReadStateWrite().user(7, 5).readState(10, 100, 0, 1, false).request());
        final ReadStateWrite write = new ReadStateWrite()
            .user(6, 4).readState(10, 500, 1, 2, false).readState(11, 600, 0, 3, false)
            .user(7, 4).readState(10, 999, 0, 9, false)
            .user(8, 0).readState(12, 700, 2, 4, false);
        final Response answer = redis.send(write.request());

        assertEquals(2, ReadStateWrite.answerFor(answer, 0));
        assertEquals(RedisLayout.FENCED, ReadStateWrite.answerFor(answer, 1), "epoch 4 wrote after epoch 5 had");
        assertEquals(1, ReadStateWrite.answerFor(answer, 2));
        assertEquals(Map.of("10", RedisLayout.encode(500, 1, 2), "11", RedisLayout.encode(600, 0, 3), RedisLayout.EPOCH_FIELD, "4"),
            readStatesOf(6));
        assertEquals(Map.of("10", RedisLayout.encode(100, 0, 1), RedisLayout.EPOCH_FIELD, "5"), readStatesOf(7));
        assertEquals(Map.of("12", RedisLayout.encode(700, 2, 4)), readStatesOf(8), "epoch 0, a node alone, records no epoch");
    }

    @Test
    void shouldRecordTheLoadersEpochEvenOfAUserWithNoReadStateSoThatAnOlderOwnerCannotWriteIt() throws Exception
    {
        final Response loaded = redis.send(RedisLayout.readUser(20, 6));
        assertEquals(List.of(RedisLayout.EPOCH_FIELD, "6"), List.of(loaded.get(0).toString(), loaded.get(1).toString()),
            "a user with no read state loads its epoch alone");
        assertEquals(Map.of(RedisLayout.EPOCH_FIELD, "6"), readStatesOf(20));

        final Response late = redis.send(new ReadStateWrite().user(20, 5).readState(10, 500, 0, 1, false).request());
        assertEquals(RedisLayout.FENCED, ReadStateWrite.answerFor(late, 0), "the owner before the load writes too late");
        assertEquals(Map.of(RedisLayout.EPOCH_FIELD, "6"), readStatesOf(20));
    }

    @Test
    void shouldAnswerALoadByAnOlderOwnerThatItIsFencedOff() throws Exception
    {
        redis.send(new ReadStateWrite().user(21, 8).readState(10, 500, 0, 1, false).request());
        assertTrue(RedisLayout.isFenced(redis.send(RedisLayout.readUser(21, 7))), "epoch 7 loads after epoch 8 wrote");
        assertEquals(Map.of("10", RedisLayout.encode(500, 0, 1), RedisLayout.EPOCH_FIELD, "8"), readStatesOf(21),
            "a fenced load changes nothing");
        final Response current = redis.send(RedisLayout.readUser(21, 8));
        assertTrue(!RedisLayout.isFenced(current) && current.size() == 4, "the owner itself loads: " + current);
    }

    @Test
    void shouldAnswerHowManyRecordsOfAUserItAppliedSoThatAWriteTakenInPartIsSeen() throws Exception
    {
        redis.send(new ReadStateWrite().user(22, 3).readState(10, 900, 0, 7, false).request());
        final Response answer = redis.send(new ReadStateWrite().user(22, 3)
            .readState(10, 800, 0, 5, false).readState(11, 100, 0, 1, false).request());
        assertEquals(1, ReadStateWrite.answerFor(answer, 0), "channel 10 holds version 7 already: one record of two applied");
    }

    @Test
    void shouldNeverMoveAChannelsLastMessageBackwards() throws Exception
    {
        for (final long last : new long[] {99, -1L, 100, 9})
        {
            redis.send(RedisLayout.writeChannel(3, last, 7));
        }
        assertEquals(new RedisLayout.StoredChannel(-1L, 7), RedisLayout.decodeChannel(redis.send(RedisLayout.readChannel(3))));
        assertNull(RedisLayout.decodeChannel(redis.send(RedisLayout.readChannel(4))), "a channel Redis has never seen");
    }

    @Test
    void shouldCallScriptsByDigestAndSayWhenRedisLostThem() throws Exception
    {
        redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH"));
        final Exception lost = assertThrows(Exception.class, () -> write(5, 10, 500, 1));
        assertTrue(RedisLayout.isNoScript(lost.getCause() != null ? lost.getCause() : lost), lost.toString());
        loadScripts();
        write(5, 10, 500, 1);
        assertEquals(Map.of("10", RedisLayout.encode(500, 0, 1)), readStatesOf(5));
    }

    @Test
    void shouldFindTheUserOfAKey()
    {
        assertEquals(-1L, RedisLayout.userOfKey("__keyspace@0__:" + RedisLayout.userKey(-1L)));
    }
}
