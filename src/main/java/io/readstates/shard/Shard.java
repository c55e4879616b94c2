package io.readstates.shard;

import io.readstates.ownership.Ownership;
import io.readstates.ownership.Slots;
import io.readstates.domain.Refusal;
import io.readstates.ops.ShardStats;
import io.readstates.persist.Persister;
import io.readstates.persist.RedisCommands;
import io.readstates.persist.RedisStatus;
import io.readstates.persist.UserLoader;
import io.readstates.store.ChannelTable;
import io.readstates.store.Outcome;
import io.readstates.store.ReadStateStore;
import io.readstates.store.offheap.OffHeapReadStateStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * One partition of the users, owned by one verticle on one event loop. Everything it holds (the
 * read states, the channel table, the loads in flight, the write-behind) is touched only on that
 * event loop: work from other threads is handed over with {@link #withUser} or {@link #run}, and the
 * answer is handed back to the caller's context. No locks, no concurrent collections.
 */
public final class Shard extends VerticleBase
{
    /** How often the shard's figures are published. */
    /** Metrics are scraped every few seconds: counters a second old are fresh enough, and the loop wakes less. */
    private static final long PUBLISH_INTERVAL_MS = 1_000;

    /** Work on the shard's read states, run on the shard's event loop. */
    @FunctionalInterface
    public interface Work<T>
    {
        T apply(ReadStates readStates);
    }

    private interface Waiter
    {
        void resume(RuntimeException failure);
    }

    private final ShardSettings settings;
    private final ShardStats stats;
    private final Persister.Observer flushes;
    private final ShardListener listener;
    private final RedisStatus redisStatus;
    private final Ownership ownership;
    private final Long2ObjectHashMap<ArrayDeque<Waiter>> loading = new Long2ObjectHashMap<>();
    private volatile boolean stopped;
    private ReadStates readStates;
    private RedisCommands redis;
    private RedisStatus.Link link;
    private Persister persister;
    private UserLoader loader;
    private long publishTimer;

    private long hits;
    private long misses;
    private long loadFailures;

    /**
     * @param redisStatus what the service knows of Redis; this shard reports what it sees into it
     * @param listener told, on this shard's event loop, what changed for watched users
     * @param ownership which users this node serves: work for any other is refused
     */
    public Shard(final ShardSettings settings, final RedisStatus redisStatus, final ShardStats stats,
        final Persister.Observer flushes, final ShardListener listener, final Ownership ownership)
    {
        this.ownership = ownership;
        this.redisStatus = redisStatus;
        this.settings = settings;
        this.stats = stats;
        this.flushes = flushes;
        this.listener = listener;
    }

    @Override
    public Future<?> start()
    {
        final ReadStateStore store = settings.newStore();
        final ChannelTable channels = new ChannelTable();
        readStates = new ReadStates(settings.name(), store, channels, listener, settings.newRecentMessages());
        redis = settings.redis().connect(vertx, "redis-shard-" + settings.index());
        link = redisStatus.link(vertx);
        loader = new UserLoader(redis, link, channels, ownership::epochOf, ownership::lost);
        persister = new Persister(vertx, redis, link, store, channels, settings.flushIntervalMs(),
            settings.flushBatchRecords(), flushes, ownership::epochOf, ownership::lost);
        persister.start();
        publishTimer = vertx.setPeriodic(PUBLISH_INTERVAL_MS, id -> publishStats());
        publishStats();
        stats.started = true;
        return Future.succeededFuture();
    }

    /** Writes every dirty record before the shard goes away (invariant: nothing acknowledged is lost). */
    @Override
    public Future<?> stop()
    {
        vertx.cancelTimer(publishTimer);
        stopped = true;
        return persister.drain(settings.shutdownTimeoutMs()).eventually(() -> redis.close())
            .onComplete(ar -> readStates.store().close());
    }

    // ---------------------------------------------------------------------------------------------
    // Hand-over between event loops
    // ---------------------------------------------------------------------------------------------

    /**
     * Runs {@code work} on this shard's event loop once the user is resident, loading it from Redis if
     * needed (requests for a user being loaded wait for that one load). Completes on the caller's
     * context; fails with a {@link Refusal} when the user cannot be loaded or memory is full.
     */
    public <T> Future<T> withUser(final long userId, final Work<T> work)
    {
        return whenReady(userId, null, waiter -> whenResident(userId, waiter), work);
    }

    /**
     * Like {@link #withUser}, answered only once Redis has confirmed the user's changes (the shard writes
     * them at once). Fails with {@link Refusal#NOT_CONFIRMED} if Redis does not confirm them within its
     * timeout (the changes stay made, and are written once Redis answers), and with {@link Refusal#MOVING}
     * if Redis refused them (another node owns the user now).
     */
    public <T> Future<T> withUserDurably(final long userId, final Work<T> work)
    {
        final Context caller = Vertx.currentContext();
        final Promise<Void> confirmed = Promise.promise();
        return withUser(userId, readStates ->
        {
            final T result = work.apply(readStates);
            persister.confirmation(userId).onComplete(ar -> answer(caller, confirmed, null, ar.cause()));
            return result;
        }).compose(result -> confirmed.future().map(result));
    }

    /**
     * Runs {@code work} on this shard's event loop once all the users are resident at the same time,
     * loading those that are not; like {@link #withUser} otherwise.
     */
    public <T> Future<T> withUsers(final long[] userIds, final Work<T> work)
    {
        return whenReady(0, userIds, waiter -> whenAllResident(userIds, 0, waiter), work);
    }

    /**
     * On the shard's event loop, waits as {@code residency} says, then performs the work or answers its
     * failure. The user, or the users when {@code userIds} is not null, must be served by this node both
     * before the wait and when the work runs: a slot may move away while a user loads.
     */
    private <T> Future<T> whenReady(final long userId, final long[] userIds,
        final java.util.function.Consumer<Waiter> residency, final Work<T> work)
    {
        final Context caller = Vertx.currentContext();
        final Promise<T> promise = Promise.promise();
        hand(promise, () ->
        {
            if (!serves(userId, userIds))
            {
                answer(caller, promise, null, Refusal.MOVING);
                return;
            }
            residency.accept(failure ->
            {
                if (failure == null && !serves(userId, userIds))
                {
                    answer(caller, promise, null, Refusal.MOVING);
                }
                else if (failure != null)
                {
                    answer(caller, promise, null, failure);
                }
                else
                {
                    perform(caller, promise, work);
                }
            });
        });
        if (ownership.alone())
        {
            return promise.future();
        }
        // Asked again where the answer is sent: a node paused between the work and its answer may have lost
        // its lease meanwhile, and then answers nothing from memory.
        return promise.future().compose(done -> serves(userId, userIds) ? Future.succeededFuture(done) :
            Future.failedFuture(Refusal.MOVING));
    }

    private boolean serves(final long userId, final long[] userIds)
    {
        if (userIds == null)
        {
            return ownership.serves(userId);
        }
        for (final long each : userIds)
        {
            if (!ownership.serves(each))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Lets go of every resident user of the given slots: writes what is dirty (with the epoch this node
     * held, so that Redis refuses it if another node owned the slot since), then drops them all. Done
     * when a slot changes hands, both by the node that gives it up (after it stopped serving it) and
     * by the one that takes it (whatever it kept from an earlier time is stale).
     *
     * @return completes once none of those users is resident; fails after {@code timeoutMs}
     */
    public Future<Void> settle(final java.util.function.IntPredicate slots, final long timeoutMs)
    {
        final Promise<Void> promise = Promise.promise();
        final Context caller = Vertx.currentContext();
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        hand(promise, () -> settleStep(slots, deadline, caller, promise));
        return promise.future();
    }

    private void settleStep(final java.util.function.IntPredicate slots, final long deadline, final Context caller,
        final Promise<Void> promise)
    {
        final ReadStateStore store = readStates.store();
        final org.agrona.collections.LongArrayList leaving = new org.agrona.collections.LongArrayList();
        store.forEachUser(userId ->
        {
            if (slots.test(Slots.of(userId)))
            {
                leaving.addLong(userId);
            }
        });
        int kept = 0;
        for (int i = 0; i < leaving.size(); i++)
        {
            final long userId = leaving.getLong(i);
            if (!store.evict(userId))
            {
                kept++;
            }
        }
        if (kept == 0)
        {
            answer(caller, promise, null, null);
        }
        else if (System.nanoTime() - deadline > 0)
        {
            answer(caller, promise, null, new IllegalStateException(kept + " users of the slots still have changes " +
                "Redis has not confirmed"));
        }
        else
        {
            persister.flushSoon();
            vertx.setTimer(Math.max(1, settings.flushIntervalMs() / 5), id -> settleStep(slots, deadline, caller, promise));
        }
    }

    /**
     * Loads the users one after the other until all are resident at once. Loading one may evict
     * another that was loaded before it, so the loads are bounded: past them memory is too full.
     */
    private void whenAllResident(final long[] userIds, final int loads, final Waiter waiter)
    {
        final ReadStateStore store = readStates.store();
        for (final long userId : userIds)
        {
            if (!store.isResident(userId))
            {
                if (loads > 2 * userIds.length)
                {
                    waiter.resume(Refusal.MEMORY_FULL);
                    return;
                }
                whenResident(userId, failure ->
                {
                    if (failure != null)
                    {
                        waiter.resume(failure);
                    }
                    else
                    {
                        whenAllResident(userIds, loads + 1, waiter);
                    }
                });
                return;
            }
        }
        waiter.resume(null);
    }

    /** Runs {@code work} on this shard's event loop, whoever the user; completes on the caller's context. */
    public <T> Future<T> run(final Work<T> work)
    {
        final Context caller = Vertx.currentContext();
        final Promise<T> promise = Promise.promise();
        hand(promise, () -> perform(caller, promise, work));
        return promise.future();
    }

    /** Runs a task on the shard's event loop, or fails the promise if the shard is gone. */
    private void hand(final Promise<?> promise, final Runnable task)
    {
        if (stopped)
        {
            promise.fail(Refusal.STOPPING);
            return;
        }
        try
        {
            context.runOnContext(v -> task.run());
        }
        catch (final RejectedExecutionException e)
        {
            promise.fail(Refusal.STOPPING);
        }
    }

    /** Applies the work here, on the shard's event loop, and hands its result or failure back. */
    private <T> void perform(final Context caller, final Promise<T> promise, final Work<T> work)
    {
        try
        {
            answer(caller, promise, work.apply(readStates), null);
        }
        catch (final RuntimeException e)
        {
            answer(caller, promise, null, e);
        }
        finally
        {
            persister.changed();
        }
    }

    private <T> void answer(final Context caller, final Promise<T> promise, final T result, final Throwable failure)
    {
        if (caller == null || caller == context)
        {
            complete(promise, result, failure);
        }
        else
        {
            caller.runOnContext(v -> complete(promise, result, failure));
        }
    }

    private static <T> void complete(final Promise<T> promise, final T result, final Throwable failure)
    {
        if (failure == null)
        {
            promise.complete(result);
        }
        else
        {
            promise.fail(failure);
        }
    }

    private void whenResident(final long userId, final Waiter waiter)
    {
        final ReadStateStore store = readStates.store();
        if (store.isResident(userId))
        {
            hits++;
            waiter.resume(null);
            return;
        }
        misses++;
        ArrayDeque<Waiter> waiting = loading.get(userId);
        if (waiting != null)
        {
            waiting.add(waiter);
            return;
        }
        waiting = new ArrayDeque<>();
        waiting.add(waiter);
        loading.put(userId, waiting);
        loader.load(userId).onComplete(ar ->
        {
            final ArrayDeque<Waiter> resumed = loading.remove(userId);
            RuntimeException failure = null;
            if (ar.failed() && ar.cause() instanceof Refusal refusal)
            {
                failure = refusal;
            }
            else if (ar.failed())
            {
                loadFailures++;
                failure = Refusal.REDIS_UNAVAILABLE;
            }
            else if (store.install(userId, ar.result()) == Outcome.FULL)
            {
                failure = ar.result().size() >= store.recordCapacity() ? readStates.cacheTooSmall() : Refusal.MEMORY_FULL;
            }
            for (final Waiter w : resumed)
            {
                w.resume(failure);
            }
        });
    }

    /** Copies the shard's counters where other threads may read them (see {@link ShardStats}). */
    private void publishStats()
    {
        final ReadStateStore store = readStates.store();
        stats.residentUsers = store.residentUsers();
        stats.readStates = store.readStates();
        stats.offHeapBytes = store instanceof OffHeapReadStateStore ? ((OffHeapReadStateStore)store).memoryBytes() : 0;
        stats.dirtyRecords = store.dirtyRecords();
        stats.evictions = store.evictions();
        stats.pendingLoads = loading.size();
        stats.hits = hits;
        stats.misses = misses;
        stats.loadFailures = loadFailures;
        stats.flushBatches = persister.batches();
        stats.recordsWritten = persister.recordsWritten();
        stats.redisErrors = persister.failures();
        stats.fencedWrites = persister.fencedUsers();
        stats.writeConflicts = persister.conflicts();
        stats.redisReconnects = persister.reconnects();
        stats.redisReachable = link.reachable();
        stats.channels = readStates.channels().size();
    }
}
