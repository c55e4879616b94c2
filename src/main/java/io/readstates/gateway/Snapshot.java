package io.readstates.gateway;

import io.readstates.domain.Badges;
import io.readstates.domain.Channel;
import io.readstates.domain.ReadStateView;
import io.readstates.shard.ReadStates;
import io.readstates.wire.Codec;

import java.util.List;

/**
 * A user's read states and badges as they are at one step of its shard, as frames: what a client is
 * sent when its session opens, or again when its user moved to another node.
 *
 * @param states one read state frame per channel, with the channel ids in the same order
 * @param epoch the epoch under which the user's owner made it (0 for a node alone)
 */
record Snapshot(String readyFrame, String badgesFrame, long[] channelIds, String[] states, long epoch)
{
    /** Takes the snapshot, made under {@code epoch}; on the user's shard, with the user resident. */
    static Snapshot take(final long userId, final ReadStates readStates, final long epoch)
    {
        final List<ReadStateView> views = readStates.readStates(userId);
        final Channel[] channels = new Channel[views.size()];
        final long[] channelIds = new long[views.size()];
        final String[] states = new String[views.size()];
        for (int i = 0; i < channels.length; i++)
        {
            channelIds[i] = views.get(i).channelId();
            channels[i] = readStates.channel(channelIds[i]);
            states[i] = Codec.readStateFrame(views.get(i), channels[i], epoch);
        }
        final Badges badges = readStates.badges(userId);
        return new Snapshot(Codec.readyFrame(userId, views, channels, badges, epoch), Codec.badgesFrame(badges), channelIds,
            states, epoch);
    }
}
