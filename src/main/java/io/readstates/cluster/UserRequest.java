package io.readstates.cluster;

import io.readstates.domain.Badges;
import io.readstates.domain.ReadStateView;
import io.readstates.shard.ReadStates;

import java.util.List;

/**
 * A request about one user, which the node that owns the user answers, on the user's shard, with the
 * user resident. The same request runs on this node's shard or travels to the owner ({@link NodeCodec}
 * writes each kind), so there is one way to act on a user wherever it lives.
 *
 * @param <T> the answer
 */
public sealed interface UserRequest<T>
{
    long userId();

    /** Acts on the user's read states, on its shard's event loop. */
    T apply(ReadStates readStates);

    /** A plain ack: lastRead moves up to the message, never back, and mentions reset. */
    record Ack(long userId, long channelId, long messageId) implements UserRequest<ReadStateView>
    {
        @Override
        public ReadStateView apply(final ReadStates readStates)
        {
            return readStates.ack(userId, channelId, messageId);
        }
    }

    /** A deleted message's mention of the user, taken back (once, however often the deletion is repeated). */
    record Unmention(long userId, long channelId, long messageId) implements UserRequest<ReadStateView>
    {
        @Override
        public ReadStateView apply(final ReadStates readStates)
        {
            return readStates.unmention(userId, channelId, messageId);
        }
    }

    /** A manual ack: lastRead set to the message exactly, even backwards, with the given mentions. */
    record ManualAck(long userId, long channelId, long messageId, int mentionCount) implements UserRequest<ReadStateView>
    {
        @Override
        public ReadStateView apply(final ReadStates readStates)
        {
            return readStates.manualAck(userId, channelId, messageId, mentionCount);
        }
    }

    /** Plain acks of several channels, applied whole or not at all. */
    record Acks(long userId, long[] channelIds, long[] messageIds) implements UserRequest<List<ReadStateView>>
    {
        @Override
        public List<ReadStateView> apply(final ReadStates readStates)
        {
            return readStates.acks(userId, channelIds, messageIds);
        }
    }

    /** Every read state of the user. */
    record AllReadStates(long userId) implements UserRequest<List<ReadStateView>>
    {
        @Override
        public List<ReadStateView> apply(final ReadStates readStates)
        {
            return readStates.readStates(userId);
        }
    }

    /** One read state, or null when the user has none on the channel. */
    record OneReadState(long userId, long channelId) implements UserRequest<ReadStateView>
    {
        @Override
        public ReadStateView apply(final ReadStates readStates)
        {
            return readStates.readState(userId, channelId);
        }
    }

    /** Deletes one read state (nothing when there is none). */
    record Delete(long userId, long channelId) implements UserRequest<Void>
    {
        @Override
        public Void apply(final ReadStates readStates)
        {
            readStates.delete(userId, channelId);
            return null;
        }
    }

    /** Deletes every read state of the user, in memory and then in Redis (nothing when there is none). */
    record DeleteUser(long userId) implements UserRequest<Void>
    {
        @Override
        public Void apply(final ReadStates readStates)
        {
            readStates.deleteUser(userId);
            return null;
        }
    }

    /**
     * A request whose changes are answered only once Redis has confirmed them: a durable ack, for callers
     * that cannot afford to lose one when a node dies (see {@code Shard#withUserDurably}).
     */
    record Durable<T>(UserRequest<T> request) implements UserRequest<T>
    {
        @Override
        public long userId()
        {
            return request.userId();
        }

        @Override
        public T apply(final ReadStates readStates)
        {
            return request.apply(readStates);
        }
    }

    /** The user's badges. */
    record BadgesOf(long userId) implements UserRequest<Badges>
    {
        @Override
        public Badges apply(final ReadStates readStates)
        {
            return readStates.badges(userId);
        }
    }
}
