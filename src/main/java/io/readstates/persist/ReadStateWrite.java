package io.readstates.persist;

import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;
import java.util.List;

/**
 * One versioned write of read states, of one user or of many: add a user, then its records, then the
 * next user. On a single Redis server a whole batch is one call of the script, so that Redis and the
 * client handle one command and one answer, not one per user. A Redis Cluster takes only keys of one
 * slot in a call: there, a write holds one user.
 *
 * <p>Answered, user by user in the order added, with the number of records applied, or
 * {@link RedisLayout#FENCED} for a user whose write came from a node that no longer owns it
 * ({@link #answerFor}).
 */
public final class ReadStateWrite
{
    private final List<String> keys = new ArrayList<>();
    private final LongArrayList epochs = new LongArrayList();
    private final IntArrayList counts = new IntArrayList();
    /** Channel id, value ("" to delete), version: three per record, users one after the other. */
    private final List<String> records = new ArrayList<>();

    /** Starts the records of a user, written by the owner of {@code epoch} (0 for a node alone). */
    public ReadStateWrite user(final long userId, final long epoch)
    {
        keys.add(RedisLayout.userKey(userId));
        epochs.addLong(epoch);
        counts.addInt(0);
        return this;
    }

    /** Adds a read state, or its deletion, to the user started last. */
    public ReadStateWrite readState(final long channelId, final long lastReadMessageId, final int mentionCount,
        final long version, final boolean deleted)
    {
        final int user = counts.size() - 1;
        if (user < 0)
        {
            throw new IllegalStateException("a read state needs its user first");
        }
        counts.setInt(user, counts.getInt(user) + 1);
        records.add(RedisLayout.channelField(channelId));
        records.add(deleted ? "" : RedisLayout.encode(lastReadMessageId, mentionCount, version));
        records.add(Long.toString(version));
        return this;
    }

    public int users()
    {
        return keys.size();
    }

    /** @return the script's call: every user's key, then for each user its epoch, its count of records and the records */
    public Request request()
    {
        final Request call = RedisLayout.WRITE_READ_STATES.call(keys);
        int record = 0;
        for (int user = 0; user < keys.size(); user++)
        {
            final int count = counts.getInt(user);
            call.arg(epochs.getLong(user)).arg(count);
            for (final int end = record + 3 * count; record < end; record++)
            {
                call.arg(records.get(record));
            }
        }
        return call;
    }

    /** @return what Redis answered for the {@code user}-th user of a write: records applied, or {@link RedisLayout#FENCED} */
    public static long answerFor(final Response answer, final int user)
    {
        return answer.get(user).toLong();
    }
}
