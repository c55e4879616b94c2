package io.readstates.shard;

import io.readstates.config.Settings;
import io.readstates.domain.Badges;
import io.readstates.domain.ReadStateView;
import io.readstates.gateway.Sessions;
import io.readstates.ops.ShardStats;
import io.readstates.persist.Persister;
import io.readstates.persist.RedisConnections;
import io.readstates.persist.UserLoader;
import io.readstates.store.offheap.OffHeapReadStateStore;
import io.readstates.store.onheap.OnHeapReadStateStore;
import io.readstates.store.Outcome;
import io.readstates.store.ReadState;
import io.readstates.store.ReadStateStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * One partition of the users, owned by one verticle on one event loop. Everything it holds (the
 * read-state store, the channel table, the loads in flight, the write-behind) is touched only on that
 * event loop: work from other threads is handed over with {@link #withUser} and the answer is handed
 * back to the caller's context. No locks, no concurrent collections.
 *
 * <p>With {@code -Dreadstates.checkOwner=true} (the tests run with it) every access to the shard's
 * state checks that it is on the shard's own event loop.
 */
public final class Shard extends VerticleBase
{
    private static final boolean CHECK_OWNER = Boolean.getBoolean("readstates.checkOwner");
    /** How often sessions are swept and the shard's figures published. */
    private static final long SWEEP_INTERVAL_MS = 100;

    /** Work on a user's read states, run on the shard's event loop once the user is resident. */
    @FunctionalInterface
    public interface UserWork<T>
    {
        T apply(Shard shard);
    }

    private interface Waiter
    {
        void resume(RuntimeException failure);
    }

    private final int index;
    private final Settings settings;
    private final String redisUrl;
    private final ChannelTable channels = new ChannelTable();
    private final Long2ObjectHashMap<ArrayDeque<Waiter>> loading = new Long2ObjectHashMap<>();
    private final ReadState scratch = new ReadState();
    /** The event loop thread that owns this shard; a Vert.x event-loop context always runs on one thread. */
    private volatile Thread owner;
    private volatile boolean stopped;
    private ReadStateStore store;
    private Redis redis;
    private Persister persister;
    private UserLoader loader;
    private Sessions sessions;
    private long sweepTimer;

    private final ShardStats stats;
    private final Persister.Observer flushes;
    private long hits;
    private long misses;
    private long loadFailures;

    public Shard(final int index, final Settings settings, final String redisUrl, final ShardStats stats,
        final Persister.Observer flushes)
    {
        this.index = index;
        this.settings = settings;
        this.redisUrl = redisUrl;
        this.stats = stats;
        this.flushes = flushes;
    }

    @Override
    public Future<?> start()
    {
        owner = Thread.currentThread();
        store = settings.store == Settings.StoreKind.ONHEAP ?
            OnHeapReadStateStore.withCapacityBytes(settings.cacheBytesPerShard()) :
            OffHeapReadStateStore.withCapacityBytes(settings.cacheBytesPerShard());
        redis = RedisConnections.create(vertx, redisUrl, "redis-shard-" + index);
        loader = new UserLoader(redis, this::channels);
        persister = new Persister(vertx, redis, this::store, this::channels, "shard " + index,
            settings.flushIntervalMs, settings.flushBatchRecords, flushes);
        persister.start();
        sessions = new Sessions(this, context, settings.maxSessionsPerUser,
            Math.max(1, settings.maxSessions / settings.shards), settings.slowConsumerTimeoutMs, settings.sessionIdleTimeoutMs);
        sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, id ->
        {
            sessions().sweep(System.currentTimeMillis());
            publishStats();
        });
        publishStats();
        stats.started = true;
        return Future.succeededFuture();
    }

    /** Writes every dirty record before the shard goes away (invariant: nothing acknowledged is lost). */
    @Override
    public Future<?> stop()
    {
        vertx.cancelTimer(sweepTimer);
        sessions.closeAll();
        stopped = true;
        return persister.drain(settings.shutdownTimeoutMs).eventually(() -> redis.close()).onComplete(ar -> store.close());
    }

    // ---------------------------------------------------------------------------------------------
    // Hand-over between event loops
    // ---------------------------------------------------------------------------------------------

    /**
     * Runs {@code work} on this shard's event loop once the user is resident, loading it from Redis if
     * needed (requests for a user being loaded wait for that one load). Completes on the caller's
     * context; fails with {@link Unavailable} when the user cannot be loaded or memory is full.
     */
    public <T> Future<T> withUser(final long userId, final UserWork<T> work)
    {
        final Context caller = Vertx.currentContext();
        final Promise<T> promise = Promise.promise();
        hand(promise, () -> whenResident(userId, failure ->
        {
            if (failure != null)
            {
                answer(caller, promise, null, failure);
            }
            else
            {
                perform(caller, promise, work);
            }
        }));
        return promise.future();
    }

    /** Runs a task on the shard's event loop, or fails the promise if the shard is gone. */
    private void hand(final Promise<?> promise, final Runnable task)
    {
        if (stopped)
        {
            promise.fail(Unavailable.stopping());
            return;
        }
        try
        {
            context.runOnContext(v -> task.run());
        }
        catch (final RejectedExecutionException e)
        {
            promise.fail(Unavailable.stopping());
        }
    }

    /** Runs {@code work} on this shard's event loop, whoever the user; completes on the caller's context. */
    public <T> Future<T> run(final UserWork<T> work)
    {
        final Context caller = Vertx.currentContext();
        final Promise<T> promise = Promise.promise();
        hand(promise, () -> perform(caller, promise, work));
        return promise.future();
    }

    /** Applies the work here, on the shard's event loop, and hands its result or failure back. */
    private <T> void perform(final Context caller, final Promise<T> promise, final UserWork<T> work)
    {
        try
        {
            answer(caller, promise, work.apply(this), null);
        }
        catch (final RuntimeException e)
        {
            answer(caller, promise, null, e);
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
        if (store().isResident(userId))
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
            if (ar.failed())
            {
                loadFailures++;
                failure = Unavailable.redis(ar.cause());
            }
            else if (store().install(userId, ar.result()) == Outcome.FULL)
            {
                failure = Unavailable.memoryFull();
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
        final ReadStateStore s = store();
        stats.residentUsers = s.residentUsers();
        stats.readStates = s.readStates();
        stats.offHeapBytes = s instanceof OffHeapReadStateStore ? ((OffHeapReadStateStore)s).memoryBytes() : 0;
        stats.dirtyRecords = s.dirtyRecords();
        stats.evictions = s.evictions();
        stats.pendingLoads = loading.size();
        stats.hits = hits;
        stats.misses = misses;
        stats.loadFailures = loadFailures;
        stats.flushBatches = persister.batches();
        stats.recordsWritten = persister.recordsWritten();
        stats.redisErrors = persister.failures();
        stats.redisReconnects = persister.reconnects();
        stats.redisReachable = persister.reachable();
        stats.sessions = sessions.size();
        stats.pushes = sessions.pushes();
        stats.channels = channels.size();
    }

    // ---------------------------------------------------------------------------------------------
    // State, owner-checked
    // ---------------------------------------------------------------------------------------------

    /** The shard's store; only on the shard's event loop. */
    public ReadStateStore store()
    {
        checkOwner();
        return store;
    }

    /** The shard's channel table; only on the shard's event loop. */
    public ChannelTable channels()
    {
        checkOwner();
        return channels;
    }

    /** The WebSocket sessions of this shard's users; only on the shard's event loop. */
    public Sessions sessions()
    {
        checkOwner();
        return sessions;
    }

    private void checkOwner()
    {
        if (CHECK_OWNER && Thread.currentThread() != owner)
        {
            throw new IllegalStateException("shard " + index + " touched from " + Thread.currentThread().getName() +
                " instead of its own event loop");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Domain operations, for use inside withUser
    // ---------------------------------------------------------------------------------------------

    public ReadStateView ack(final long userId, final long channelId, final long messageId)
    {
        changed(store().ack(userId, channelId, messageId), userId, channelId);
        return readState(userId, channelId);
    }

    public ReadStateView manualAck(final long userId, final long channelId, final long messageId, final int mentionCount)
    {
        changed(store().manualAck(userId, channelId, messageId, mentionCount), userId, channelId);
        return readState(userId, channelId);
    }

    public void mention(final long userId, final long channelId, final long messageId)
    {
        changed(store().mention(userId, channelId, messageId), userId, channelId);
    }

    public void delete(final long userId, final long channelId)
    {
        changed(store().delete(userId, channelId), userId, channelId);
    }

    /** @return the read state, or null if the user has none on the channel. */
    public ReadStateView readState(final long userId, final long channelId)
    {
        return store().get(userId, channelId, scratch) ? view(scratch) : null;
    }

    public List<ReadStateView> readStates(final long userId)
    {
        final List<ReadStateView> states = new ArrayList<>();
        store().forEach(userId, (channelId, lastRead, mentions, version) ->
            states.add(new ReadStateView(channelId, lastRead, mentions, version)));
        states.sort((a, b) -> Long.compareUnsigned(a.channelId(), b.channelId()));
        return states;
    }

    public Badges badges(final long userId)
    {
        final ChannelTable table = channels();
        final Badges badges = new Badges(userId);
        store().forEach(userId, (channelId, lastRead, mentions, version) ->
            badges.add(table.guildId(channelId), Long.compareUnsigned(table.lastMessageId(channelId), lastRead) > 0, mentions));
        return badges;
    }

    /**
     * Learns of a new message in a channel; the channel's home shard also records it for writing.
     * Users are handled separately, on their own shards.
     */
    public void channelMessage(final long channelId, final long guildId, final long messageId, final boolean home)
    {
        final ChannelTable table = channels();
        if (table.messageCreated(channelId, guildId, messageId))
        {
            if (home)
            {
                table.markDirty(channelId);
            }
            sessions().channelMessage(channelId);
        }
    }

    /** Refuses a change that found no room; tells the user's sessions of one that was made. */
    private void changed(final Outcome outcome, final long userId, final long channelId)
    {
        refuseIfFull(outcome);
        if (outcome == Outcome.CHANGED)
        {
            sessions().readStateChanged(userId, channelId);
        }
    }

    private static void refuseIfFull(final Outcome outcome)
    {
        if (outcome == Outcome.FULL)
        {
            throw Unavailable.memoryFull();
        }
        if (outcome == Outcome.NOT_RESIDENT)
        {
            throw new IllegalStateException("a user was used without being resident");
        }
    }

    private static ReadStateView view(final ReadState state)
    {
        return new ReadStateView(state.channelId, state.lastReadMessageId, state.mentionCount, state.version);
    }
}
