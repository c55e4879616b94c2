package io.readstates.cluster;

import io.readstates.domain.Refusal;
import io.readstates.shard.MessagePart;

import java.util.List;

/**
 * Everything one node says to another, over the event bus, written by {@link NodeCodec}. Requests are
 * answered with {@link Done}, {@link Answer}, {@link Refused} or a reply of their own kind; a refusal
 * crosses as a reply, so that its status, code, message and {@code Retry-After} arrive whole.
 */
public sealed interface NodeMessage
{
    /** A request about one user, for its owner to answer. */
    record Call(UserRequest<?> request) implements NodeMessage
    {
    }

    /** A node's part of a message: checked, or applied after every part was checked. */
    record Part(MessagePart part, boolean apply) implements NodeMessage
    {
    }

    /** New last messages of channels, for a node that holds none of their messages' users. */
    record News(long[] channelIds, long[] guildIds, long[] messageIds) implements NodeMessage
    {
    }

    /** A node holds sessions of a user: its owner is to send it every change of the user. */
    record Watch(long userId, String node) implements NodeMessage
    {
    }

    /** That node holds no session of the user any more; not answered. */
    record Unwatch(long userId, String node) implements NodeMessage
    {
    }

    /**
     * A change of a watched user, as frames ready to write (null when absent), made under the owner's epoch
     * for the user; not answered.
     */
    record Push(long userId, long channelId, String stateFrame, String badgesFrame, long epoch) implements NodeMessage
    {
    }

    /** Asks a node to describe itself. */
    record Describe() implements NodeMessage
    {
    }

    /** A request done, with nothing to answer. */
    record Done() implements NodeMessage
    {
        static final Done INSTANCE = new Done();
    }

    /** The answer to a {@link Call}: a read state, a list of them, badges, or null. */
    record Answer(Object value) implements NodeMessage
    {
    }

    /** A request refused: nothing was changed. */
    record Refused(int status, String code, String message, int retryAfterSeconds) implements NodeMessage
    {
        static Refused of(final Refusal refusal)
        {
            return new Refused(refusal.status(), refusal.code(), refusal.getMessage(), refusal.retryAfterSeconds());
        }

        Refusal toRefusal()
        {
            return Refusal.of(status, code, message, retryAfterSeconds);
        }
    }

    /** The answer to a {@link Watch}: the user's snapshot, taken in the same step as the watch began, and its epoch. */
    record Watched(String readyFrame, String badgesFrame, long[] channelIds, String[] stateFrames, long epoch)
        implements NodeMessage
    {
    }

    /** The answer to a {@link Describe}: the node, the slots it serves and their epochs, the users it holds. */
    record Described(String name, String address, int[] slots, long[] epochs, long residentUsers) implements NodeMessage
    {
    }

    /**
     * A heartbeat, and its answer: the sender, its incarnation, whether (in an answer) the lease the beat
     * asked for is granted, and the incarnations of other nodes the sender has given up on, pairwise.
     * See {@link Heartbeats}.
     */
    record Beat(String from, long incarnation, boolean granted, String[] givenUpNodes, long[] givenUpIncarnations)
        implements NodeMessage
    {
    }

    /**
     * What one event loop had for one node in one turn, in the order it was said; the answer is a batch
     * too, of the answers to the requests among them, in their order (see {@link Nodes}).
     */
    record Batch(List<NodeMessage> messages) implements NodeMessage
    {
    }
}
