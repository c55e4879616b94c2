package io.readstates.persist;

import io.readstates.store.ChannelTable;
import io.readstates.store.LoadedUser;
import io.readstates.store.ReadStateStore;
import io.readstates.store.offheap.OffHeapReadStateStore;
import io.readstates.support.Await;
import io.readstates.support.OnLoop;
import io.readstates.support.TestRedis;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write-behind on its own: a store, a channel table and a persister on one event loop, against a
 * Redis of the test's own that it stops and starts.
 */
class PersisterTest
{
    private static final long USER = 1;
    private static final long CHANNEL = 10;
    private static final long INTERVAL_MS = 20;
    private static final long TIMEOUT_MS = 1_000;

    private TestRedis redis;
    private Vertx vertx;
    private Context loop;
    private RedisCommands client;
    private ReadStateStore store;
    private ChannelTable channels;
    private RedisStatus.Link link;
    private Persister persister;

    @BeforeEach
    void start() throws Exception
    {
        redis = new TestRedis();
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
        onLoop(() ->
        {
            client = RedisConnections.create(vertx, redis.url());
            store = new OffHeapReadStateStore(100, 10);
            channels = new ChannelTable();
            store.install(USER, new LoadedUser());
            link = new RedisStatus(TIMEOUT_MS).link(vertx);
            persister = new Persister(vertx, client, link, store, channels, INTERVAL_MS, 100, Persister.Observer.NONE, user -> 0, user -> { });
            return null;
        });
    }

    @AfterEach
    void stop() throws Exception
    {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        store.close();
        redis.close();
    }

    /** Runs on the persister's event loop, as everything that touches it must, and waits for the result. */
    private <T> T onLoop(final Supplier<T> work)
    {
        return OnLoop.call(loop, work);
    }

    private String stored()
    {
        return redis.hashOrFail(RedisLayout.userKey(USER)).get(String.valueOf(CHANNEL));
    }

    /** A persister that writes under epoch 3, and the users it reports lost. */
    private Persister ownerOfEpochThree(final List<Long> lost) throws Exception
    {
        for (final Request load : RedisLayout.loadScripts())
        {
            redis.send(load);
        }
        return onLoop(() -> new Persister(vertx, client, link, store, channels, INTERVAL_MS, 100, Persister.Observer.NONE,
            user -> 3, lost::add));
    }

    @Test
    void shouldDropAndReportAUserWhoseWriteRedisRefusedBecauseANewerOwnerWroteIt() throws Exception
    {
        final List<Long> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Persister persister = ownerOfEpochThree(lost);
        redis.send(new ReadStateWrite().user(USER, 4).readState(CHANNEL, 900, 2, 1, false).request());
        OnLoop.await(loop, () ->
        {
            store.ack(USER, CHANNEL, 100);
            return persister.drain(5_000);
        });
        assertEquals(List.of(USER), lost);
        assertEquals(1L, onLoop(persister::fencedUsers));
        assertFalse(onLoop(() -> store.isResident(USER)), "what this node held of the user is stale");
        assertEquals(RedisLayout.encode(900, 2, 1), stored(), "the newer owner's value stays");
    }

    @Test
    void shouldTreatAWriteRedisTookOnlyInPartAsAConflictNeverAsWritten() throws Exception
    {
        // Another owner wrote version 5 after this node loaded the user, at the same epoch: a split it did not see.
        final List<Long> lost = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Persister persister = ownerOfEpochThree(lost);
        redis.send(new ReadStateWrite().user(USER, 3).readState(CHANNEL, 900, 2, 5, false).request());
        OnLoop.await(loop, () ->
        {
            store.ack(USER, CHANNEL, 100);
            store.ack(USER, CHANNEL + 1, 100);
            return persister.drain(5_000);
        });
        assertEquals(List.of(USER), lost);
        assertEquals(1L, onLoop(persister::conflicts));
        assertFalse(onLoop(() -> store.isResident(USER)), "reloaded on next use, never kept as if written");
        assertEquals(RedisLayout.encode(900, 2, 5), stored());
    }

    @Test
    void shouldWriteAChangeMadeWhileTheWriteOfTheOneBeforeWasInFlight() throws Exception
    {
        OnLoop.await(loop, () ->
        {
            store.ack(USER, CHANNEL, 100);
            final Future<Void> drained = persister.drain(5_000);
            store.ack(USER, CHANNEL, 200);
            return drained;
        });
        assertEquals(RedisLayout.encode(200, 0, 2), stored());
        assertEquals(0L, onLoop(store::dirtyRecords));
        assertEquals(2L, onLoop(persister::recordsWritten), "version 1, then version 2 in a batch of its own");
    }

    @Test
    void shouldKeepRecordsDirtyAndBackOffWhileRedisIsDownThenWriteThem() throws Exception
    {
        redis.stop();
        final long started = System.nanoTime();
        onLoop(() ->
        {
            store.ack(USER, CHANNEL, 100);
            persister.start();
            return null;
        });
        Await.until("five failed attempts", 10_000, () -> onLoop(persister::failures) >= 5);
        final long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(elapsedMs >= 40 + 80 + 160 + 320,
            "attempts 2 to 5 wait 2, 4, 8 and 16 intervals: " + elapsedMs + " ms, not one interval each");
        assertEquals(1L, onLoop(store::dirtyRecords), "nothing is marked clean that Redis did not confirm");
        assertFalse(onLoop(link::reachable));

        redis.start();
        Await.until("the record written once Redis is back", 10_000, () -> onLoop(store::dirtyRecords) == 0);
        assertEquals(RedisLayout.encode(100, 0, 1), stored());
        assertTrue(onLoop(link::reachable));
        assertEquals(1L, onLoop(persister::reconnects));
    }

    @Test
    void shouldWriteChannelsAgainAfterAFailedWrite() throws Exception
    {
        redis.stop();
        onLoop(() ->
        {
            channels.messageCreated(5, 77, 900);
            channels.markDirty(5);
            persister.start();
            return null;
        });
        Await.until("a failed attempt", 10_000, () -> onLoop(persister::failures) >= 1);
        assertTrue(onLoop(() -> channels.dirty().contains(5)), "the channel is dirty again after the failed batch");

        redis.start();
        // A channel leaves the dirty set when its batch is collected, before Redis confirms it: wait for Redis.
        final RedisLayout.StoredChannel expected = new RedisLayout.StoredChannel(900, 77);
        Await.until("the channel written", 10_000,
            () -> expected.equals(storedChannel(5)));
        assertTrue(onLoop(() -> channels.dirty().isEmpty()), "nothing left to write");
    }

    private RedisLayout.StoredChannel storedChannel(final long channelId)
    {
        try
        {
            return RedisLayout.decodeChannel(redis.send(RedisLayout.readChannel(channelId)));
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("reading channel " + channelId + " from Redis failed", e);
        }
    }

    @Test
    void shouldLoadTheScriptsAgainWhenRedisLostThem() throws Exception
    {
        onLoop(() ->
        {
            store.ack(USER, CHANNEL, 100);
            persister.start();
            return null;
        });
        Await.until("the first write", 10_000, () -> RedisLayout.encode(100, 0, 1).equals(stored()));
        redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH"));
        onLoop(() ->
        {
            store.ack(USER, CHANNEL, 200);
            persister.changed();
            return null;
        });
        Await.until("the write after the scripts were lost", 10_000, () -> RedisLayout.encode(200, 0, 2).equals(stored()));
        assertEquals(1L, onLoop(persister::failures), "one batch answered NOSCRIPT; the next loaded the scripts first");
        assertEquals(Map.of(String.valueOf(CHANNEL), RedisLayout.encode(200, 0, 2)), redis.hash(RedisLayout.userKey(USER)));
    }
}
