package io.readstates.persist;

import io.readstates.domain.Refusal;
import io.readstates.store.ChannelTable;
import io.readstates.store.DirtyRecordVisitor;
import io.readstates.store.ReadStateStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.agrona.collections.LongHashSet;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongUnaryOperator;

/**
 * Write-behind for one shard. On a timer, it collects the shard's dirty records (each at its latest
 * version, so repeated changes of a record become one write) and dirty channels, sends them to Redis
 * as one pipelined batch (one per node of a Redis Cluster, see {@link RedisCommands}; the records in one
 * script call on a single server, one call per user in a cluster, see {@link ReadStateWrite}), and marks
 * clean what Redis confirmed. One batch is in flight at a time; a backlog is drained batch after batch without
 * waiting for the timer. When Redis fails, nothing is marked clean: the records stay dirty and the next
 * attempt, after a growing backoff, sends them again.
 *
 * <p>Runs on the shard's event loop only, like the store and channel table it writes.
 */
public final class Persister
{
    /** Told of every confirmed batch: how many records, and nanoseconds from collecting it to its confirmation. */
    @FunctionalInterface
    public interface Observer
    {
        Observer NONE = (records, nanos) -> { };

        void confirmed(int records, long nanos);
    }

    private static final long MAX_BACKOFF_MS = 2_000;

    private final Vertx vertx;
    private final RedisCommands redis;
    private final RedisStatus.Link link;
    private final ReadStateStore store;
    private final ChannelTable channels;
    private final long intervalMs;
    private final int batchRecords;
    private final Observer observer;
    private final LongUnaryOperator epochs;
    private final LongConsumer lost;
    private long collectedAt;
    private long reconnects;

    private final long[] sentUsers;
    private final long[] sentChannels;
    private final long[] sentVersions;
    private int sent;
    /**
     * Where each user's write is in the batch (its request, and its place in that request's answer), and
     * where its records start in the sent arrays.
     */
    private final int[] writeAt;
    private final int[] writeUser;
    private final int[] writeFirstRecord;
    private int writes;
    private final long[] sentChannelIds;
    private int sentChannelCount;
    private final BatchBuilder builder = new BatchBuilder();

    /** The flush timer while one is armed, else -1; see {@link #changed}. */
    private long timer = -1;
    private boolean stopped;
    private boolean inFlight;
    private int consecutiveFailures;
    private long nextAttemptAt;
    private boolean lastBatchFailed;
    /** Whether the last batch reached fewer replicas than a durable change needs: what it wrote may be lost to a failover. */
    private boolean replicasBehind;
    /** Whether Redis is known to hold the write scripts, so that batches may call them by digest. */
    private boolean scriptsLoaded;
    private Promise<Void> drained;
    /** Counts collected batches; the one in flight is {@link #inFlightBatch}. */
    private long collections;
    private long inFlightBatch;
    /** Whether the batch in flight left dirty records behind, having reached its size. */
    private boolean inFlightTruncated;
    /** Requests waiting for Redis to confirm a user's changes; see {@link #confirmation}. */
    private final List<Confirmation> confirmations = new ArrayList<>();

    private long batches;
    private long recordsWritten;
    private long failures;
    private long fencedUsers;
    private long conflicts;

    /**
     * @param link where the outcome of each batch is recorded, and what bounds how long one may take: a
     * batch that times out is retried like one that failed, and nothing in it is marked clean
     * @param epochs the ownership epoch of each user's slot (0 for a node alone), carried into its writes
     * @param lost told of each user whose write Redis refused, whole or in part: another node owns it now
     */
    public Persister(final Vertx vertx, final RedisCommands redis, final RedisStatus.Link link, final ReadStateStore store,
        final ChannelTable channels, final long intervalMs, final int batchRecords,
        final Observer observer, final LongUnaryOperator epochs, final LongConsumer lost)
    {
        this.epochs = epochs;
        this.lost = lost;
        this.writeAt = new int[batchRecords];
        this.writeUser = new int[batchRecords];
        this.writeFirstRecord = new int[batchRecords + 1];
        this.link = link;
        this.observer = observer;
        this.vertx = vertx;
        this.redis = redis;
        this.store = store;
        this.channels = channels;
        this.intervalMs = intervalMs;
        this.batchRecords = batchRecords;
        this.sentUsers = new long[batchRecords];
        this.sentChannels = new long[batchRecords];
        this.sentVersions = new long[batchRecords];
        this.sentChannelIds = new long[batchRecords];
    }

    public void start()
    {
        // A failed load leaves nothing dirty: the write-behind's probe is what finds Redis back.
        link.onLost(this::changed);
        changed();
    }

    /**
     * Called after every change of the shard's records or channels: writes them within the flush interval.
     * The timer runs only while there is something to write, so that an idle shard is not woken for nothing.
     */
    public void changed()
    {
        if (timer == -1 && !stopped)
        {
            timer = vertx.setTimer(intervalMs, id ->
            {
                timer = -1;
                flush();
            });
        }
    }

    public long batches()
    {
        return batches;
    }

    public long recordsWritten()
    {
        return recordsWritten;
    }

    public long failures()
    {
        return failures;
    }

    /** @return how many users' writes Redis refused because another node owns them now. */
    public long fencedUsers()
    {
        return fencedUsers;
    }

    /**
     * @return how many users' writes Redis applied only in part: it held newer versions of some records,
     * written by another node since this one loaded the user
     */
    public long conflicts()
    {
        return conflicts;
    }

    /** @return how many times Redis became reachable again after failing. */
    public long reconnects()
    {
        return reconnects;
    }

    /**
     * Writes everything dirty, retrying through failures, and stops the timer once nothing is left.
     *
     * @return completes when nothing is dirty; fails if that takes longer than {@code timeoutMs}.
     */
    public Future<Void> drain(final long timeoutMs)
    {
        drained = Promise.promise();
        final long deadline = vertx.setTimer(Math.max(1, timeoutMs), id ->
            drained.tryFail("gave up after " + timeoutMs + " ms with " + store.dirtyRecords() +
                " records and " + channels.dirty().size() + " channels not written to Redis"));
        flush();
        return drained.future().onComplete(ar ->
        {
            vertx.cancelTimer(deadline);
            stopped = true;
            vertx.cancelTimer(timer);
        });
    }

    /** A request waiting for Redis to confirm its user's changes. */
    private static final class Confirmation
    {
        final long userId;
        /** Only a batch collected after this one holds the changes. */
        final long afterBatch;
        final Promise<Void> promise = Promise.promise();
        long timer;

        Confirmation(final long userId, final long afterBatch)
        {
            this.userId = userId;
            this.afterBatch = afterBatch;
        }
    }

    /**
     * Writes at once, and answers once Redis has confirmed every change the user has now: when a batch
     * collected from now on, and not cut short by its size, is confirmed (it held every dirty record), or
     * when nothing is dirty any more.
     *
     * @return fails with {@link Refusal#MOVING} if Redis refused the user's write (another node owns the
     * user now: the changes are lost), and with {@link Refusal#NOT_CONFIRMED} if Redis has not confirmed
     * them within the Redis timeout (they stay, and are written once Redis answers)
     */
    public Future<Void> confirmation(final long userId)
    {
        final Confirmation waiting = new Confirmation(userId, collections);
        confirmations.add(waiting);
        waiting.timer = vertx.setTimer(link.timeoutMs(), id ->
        {
            confirmations.remove(waiting);
            waiting.promise.tryFail(Refusal.NOT_CONFIRMED);
        });
        flushSoon();
        return waiting.promise.future();
    }

    /**
     * Answers the confirmations a batch settles: {@code lostUsers}' fail; the others', if the batch held
     * every dirty record, succeed, or fail as not confirmed if too few replicas hold it (the master has
     * it, and a failover could lose it: the caller is told, and may retry).
     */
    private void confirm(final long batch, final boolean truncated, final LongHashSet lostUsers)
    {
        confirmations.removeIf(waiting ->
        {
            if (lostUsers != null && lostUsers.contains(waiting.userId))
            {
                return answer(waiting, Refusal.MOVING);
            }
            return batch > waiting.afterBatch && !truncated && answer(waiting, replicasBehind ? Refusal.NOT_CONFIRMED : null);
        });
    }

    private boolean answer(final Confirmation waiting, final RuntimeException failure)
    {
        vertx.cancelTimer(waiting.timer);
        if (failure == null)
        {
            waiting.promise.tryComplete();
        }
        else
        {
            waiting.promise.tryFail(failure);
        }
        return true;
    }

    /** Writes what is dirty now rather than at the next tick (unless Redis is being given time after a failure). */
    public void flushSoon()
    {
        vertx.runOnContext(v -> flush());
    }

    private boolean nothingDirty()
    {
        return store.dirtyRecords() == 0 && channels.dirty().isEmpty();
    }

    private void flush()
    {
        if (inFlight)
        {
            return;
        }
        if (nextAttemptAt != 0 && System.nanoTime() - nextAttemptAt < 0)
        {
            // Given time after a failure: the backoff's timer tries again.
            return;
        }
        if (nothingDirty())
        {
            if (!confirmations.isEmpty())
            {
                confirmations.removeIf(waiting -> answer(waiting, replicasBehind ? Refusal.NOT_CONFIRMED : null));
            }
            if (drained != null)
            {
                drained.tryComplete();
            }
            else if (!link.reachable())
            {
                probe();
            }
            return;
        }
        final List<Request> batch = collect();
        collectedAt = System.nanoTime();
        inFlightBatch = ++collections;
        inFlightTruncated = sent >= batchRecords;
        inFlight = true;
        // Every batch waits for replicas, not only those a durable change waits on: a durable change may
        // ride in a plain batch already in flight, and is confirmed when nothing is dirty any more.
        final boolean replicated = redis.replicas() > 0;
        final Future<List<Response>> written = replicated
            ? redis.replicatedBatch(batch, Math.max(1, link.timeoutMs() / 2))
            : redis.batch(batch);
        link.within(written).onComplete(ar ->
        {
            inFlight = false;
            if (ar.succeeded())
            {
                confirmed(ar.result(), replicated);
            }
            else
            {
                failed();
            }
        });
    }

    /** With nothing to write, finds out whether Redis is back, so that the shard does not report it down forever. */
    private void probe()
    {
        inFlight = true;
        link.within(redis.send(Request.cmd(Command.PING))).onComplete(ar ->
        {
            inFlight = false;
            if (ar.failed())
            {
                backOff();
            }
            else
            {
                recovered();
            }
        });
    }

    private List<Request> collect()
    {
        sent = 0;
        writes = 0;
        builder.start(scriptsLoaded ? List.of() : RedisLayout.loadScripts());
        store.collectDirty(batchRecords, builder);
        final List<Request> batch = builder.finish();

        final LongHashSet dirtyChannels = channels.dirty();
        sentChannelCount = 0;
        final LongHashSet.LongIterator it = dirtyChannels.iterator();
        while (it.hasNext() && sentChannelCount < sentChannelIds.length)
        {
            final long channelId = it.nextValue();
            sentChannelIds[sentChannelCount++] = channelId;
            batch.add(RedisLayout.writeChannel(channelId, channels.lastMessageId(channelId), channels.guildId(channelId)));
        }
        for (int i = 0; i < sentChannelCount; i++)
        {
            dirtyChannels.remove(sentChannelIds[i]);
        }
        return batch;
    }

    /** @param replicated whether the last answer is how many replicas hold the batch (the fewest of any master) */
    private void confirmed(final List<Response> answers, final boolean replicated)
    {
        final ReadStateStore s = store;
        for (int i = 0; i < sent; i++)
        {
            s.markClean(sentUsers[i], sentChannels[i], sentVersions[i]);
        }
        writeFirstRecord[writes] = sent;
        final LongHashSet lostUsers = confirmations.isEmpty() ? null : new LongHashSet();
        for (int w = 0; w < writes; w++)
        {
            final Response answer = answers.get(writeAt[w]);
            final long applied = answer == null ? 0 : ReadStateWrite.answerFor(answer, writeUser[w]);
            final long userId = sentUsers[writeFirstRecord[w]];
            final boolean fenced = applied == RedisLayout.FENCED;
            final boolean conflict = !fenced && applied < writeFirstRecord[w + 1] - writeFirstRecord[w];
            if (fenced || conflict)
            {
                fencedUsers += fenced ? 1 : 0;
                conflicts += conflict ? 1 : 0;
                forget(userId);
                if (lostUsers != null)
                {
                    lostUsers.add(userId);
                }
            }
        }
        if (replicated)
        {
            replicasBehind = answers.get(answers.size() - 1).toLong() < redis.replicas();
        }
        if (!confirmations.isEmpty())
        {
            confirm(inFlightBatch, inFlightTruncated, lostUsers);
        }
        scriptsLoaded = true;
        batches++;
        recordsWritten += sent;
        observer.confirmed(sent, System.nanoTime() - collectedAt);
        recovered();
        vertx.runOnContext(v -> flush());
    }

    /**
     * Redis refused a user's write, whole (fenced) or in part (it held newer versions): another node has
     * owned the user's slot since this one loaded it. What this node holds of the user is stale, and its
     * changes were never confirmed: it drops them (they were marked clean just above) and the user with
     * them, and tells the shard, which stops serving the slot at once.
     */
    private void forget(final long userId)
    {
        store.evict(userId);
        lost.accept(userId);
    }

    private void recovered()
    {
        consecutiveFailures = 0;
        nextAttemptAt = 0;
        if (lastBatchFailed)
        {
            lastBatchFailed = false;
            reconnects++;
        }
    }

    private void failed()
    {
        for (int i = 0; i < sentChannelCount; i++)
        {
            channels.markDirty(sentChannelIds[i]);
        }
        failures++;
        backOff();
    }

    /** Waits longer after each failure in a row before trying Redis again. */
    private void backOff()
    {
        // Redis may have restarted without the scripts (NOSCRIPT) or with them: the next batch loads them first.
        scriptsLoaded = false;
        consecutiveFailures++;
        final long backoff = Math.min(MAX_BACKOFF_MS, intervalMs << Math.min(consecutiveFailures, 16));
        nextAttemptAt = System.nanoTime() + backoff * 1_000_000;
        lastBatchFailed = true;
        vertx.setTimer(backoff, id -> flush());
    }

    /**
     * Turns dirty records, which arrive grouped by user, into script calls: one for every user on a single
     * server, one per user in a cluster.
     */
    private final class BatchBuilder implements DirtyRecordVisitor
    {
        private List<Request> requests;
        private final List<ReadStateWrite> calls = new ArrayList<>();
        private ReadStateWrite current;
        private long currentUser;

        /** @param first requests that go before the writes, in the same pipeline */
        void start(final List<Request> first)
        {
            requests = new ArrayList<>(first);
            calls.clear();
            current = null;
        }

        @Override
        public void accept(final long userId, final long channelId, final long lastReadMessageId,
            final int mentionCount, final long version, final boolean deleted)
        {
            if (current == null || currentUser != userId)
            {
                if (current == null || redis.isCluster())
                {
                    current = new ReadStateWrite();
                    calls.add(current);
                }
                current.user(userId, epochs.applyAsLong(userId));
                currentUser = userId;
                // The calls follow the requests that go first, in order, once finished.
                writeAt[writes] = requests.size() + calls.size() - 1;
                writeUser[writes] = current.users() - 1;
                writeFirstRecord[writes] = sent;
                writes++;
            }
            current.readState(channelId, lastReadMessageId, mentionCount, version, deleted);
            sentUsers[sent] = userId;
            sentChannels[sent] = channelId;
            sentVersions[sent] = version;
            sent++;
        }

        List<Request> finish()
        {
            final List<Request> done = requests;
            calls.forEach(call -> done.add(call.request()));
            requests = null;
            current = null;
            calls.clear();
            return done;
        }
    }
}
