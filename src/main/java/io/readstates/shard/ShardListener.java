package io.readstates.shard;

import io.readstates.domain.Badges;
import io.readstates.domain.Channel;
import io.readstates.domain.ReadStateView;

/**
 * Told by a shard what changed for the users someone watches (see {@link ReadStates#watch}). Called on
 * the shard's event loop with payloads computed once, immutable, and safe to hand to other threads;
 * it must not call back into the shard.
 */
public interface ShardListener
{
    ShardListener NONE = new ShardListener()
    {
        @Override
        public void readStateChanged(final long userId, final long channelId, final ReadStateView state,
            final Channel channel, final Badges badges)
        {
        }

        @Override
        public void badgesChanged(final long userId, final Badges badges)
        {
        }
    };

    /**
     * One of a watched user's read states changed.
     *
     * @param state the read state after, or null if it was deleted
     * @param channel the channel's last message (the id to ack to mark it read) and guild
     * @param badges the user's badges after
     */
    void readStateChanged(long userId, long channelId, ReadStateView state, Channel channel, Badges badges);

    /** A watched user's badges changed because one of its channels did (a new message, its guild). */
    void badgesChanged(long userId, Badges badges);
}
