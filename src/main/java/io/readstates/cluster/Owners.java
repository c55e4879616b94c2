package io.readstates.cluster;

import io.readstates.domain.Refusal;
import io.readstates.ownership.Node;
import io.readstates.ownership.Ownership;
import io.readstates.ownership.Slots;
import io.readstates.shard.MessagePart;
import io.readstates.shard.Shard;
import io.readstates.shard.Shards;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Where a user is answered: by this node's shard when this node owns the user, else by the node that
 * does, over {@link Nodes}. The one place that tells local from remote, as a region of shards would: the
 * HTTP API and the gateway hand every request about a user here and never ask whether they run in a
 * cluster. A node alone is a cluster of one that owns every slot, and takes the same path.
 *
 * <p>A request travels one hop at most: the owner answers it on its shard, which refuses it with
 * {@code moving} when the owner no longer serves the user, and never passes it on.
 */
public final class Owners implements Nodes.Inbox
{
    private final Ownership ownership;
    private final Shards shards;
    private final BooleanSupplier quorum;
    private final LongSupplier residentUsers;
    private final Nodes nodes;
    private final ChannelNews news;

    /**
     * @param quorum whether this node sees enough of its cluster to serve (always, for a node alone)
     * @param residentUsers how many users this node holds in memory
     * @param nodes the door to the other nodes; this node's answers to them are given here
     */
    public Owners(final Vertx vertx, final Ownership ownership, final Shards shards, final BooleanSupplier quorum,
        final LongSupplier residentUsers, final Nodes nodes)
    {
        this.ownership = ownership;
        this.shards = shards;
        this.quorum = quorum;
        this.residentUsers = residentUsers;
        this.nodes = nodes;
        nodes.inbox(this);
        this.news = new ChannelNews(vertx, nodes);
    }

    /** The door to the other nodes, for the gateway's sessions. */
    public Nodes nodes()
    {
        return nodes;
    }

    /** @return the node that owns the user, as this node sees the cluster */
    public Node of(final long userId)
    {
        return ownership.ownerOf(userId);
    }

    /** Runs {@code follower} whenever the owners of slots change. */
    public void followMoves(final Runnable follower)
    {
        ownership.follow(follower);
    }

    /** Refuses everything while this node cannot tell whether it is the one cut off from its cluster. */
    private void checkQuorum()
    {
        if (!quorum.getAsBoolean())
        {
            throw Refusal.NO_QUORUM;
        }
    }

    /** Answers a request about a user where the user lives. Completes on the caller's context. */
    public <T> Future<T> call(final UserRequest<T> request)
    {
        checkQuorum();
        final Node owner = ownership.ownerOf(request.userId());
        return ownership.isSelf(owner) ? here(request) : nodes.call(owner, request);
    }

    private <T> Future<T> here(final UserRequest<T> request)
    {
        final Shard shard = shards.ofUser(request.userId());
        return request instanceof UserRequest.Durable ? shard.withUserDurably(request.userId(), request::apply) :
            shard.withUser(request.userId(), request::apply);
    }

    /**
     * A new message. When it touches the users of one node, that node checks and applies it in one go, as a
     * node alone would. When it touches several, each first checks its part (a refusal here changes nothing
     * anywhere), then each applies it. This node writes the channel's new last message to Redis; the nodes
     * the message does not touch learn it in batches ({@link ChannelNews}). Done once every node knows it.
     *
     * @param mentioned the mentioned users, the author excluded
     */
    public Future<?> message(final long channelId, final long messageId, final long authorId, final long guildId,
        final long[] mentioned)
    {
        checkQuorum();
        final Map<Node, LongArrayList> users = new LinkedHashMap<>();
        for (final long userId : mentioned)
        {
            users.computeIfAbsent(ownership.ownerOf(userId), n -> new LongArrayList()).addLong(userId);
        }
        final Node authorOwner = ownership.ownerOf(authorId);
        users.computeIfAbsent(authorOwner, n -> new LongArrayList());
        final Map<Node, MessagePart> parts = new LinkedHashMap<>();
        users.forEach((node, ofNode) -> parts.put(node, new MessagePart(channelId, messageId, guildId,
            node.equals(authorOwner) ? authorId : 0, ofNode.toLongArray())));
        final MessagePart news = new MessagePart(channelId, messageId, guildId, 0, new long[0]);
        final List<Node> untouched = new ArrayList<>();
        boolean selfTouched = false;
        for (final Node node : ownership.nodes())
        {
            if (ownership.isSelf(node))
            {
                selfTouched = parts.containsKey(node);
            }
            else if (!parts.containsKey(node))
            {
                untouched.add(node);
            }
        }
        final boolean writeHere = !selfTouched;
        if (parts.size() == 1)
        {
            final Map.Entry<Node, MessagePart> only = parts.entrySet().iterator().next();
            return part(only.getKey(), only.getValue(), true).compose(applied -> spread(news, writeHere, untouched));
        }
        final List<Future<?>> checks = new ArrayList<>();
        parts.forEach((node, part) -> checks.add(part(node, part, false)));
        return Future.all(checks).compose(checked ->
        {
            final List<Future<?>> applied = new ArrayList<>();
            parts.forEach((node, part) -> applied.add(part(node, part, true)));
            applied.add(spread(news, writeHere, untouched));
            return Future.all(applied);
        });
    }

    /**
     * Tells the nodes a message did not touch of its channel's new last message, once it is certain to be
     * applied (a refused message moves nothing); this node too, and then it writes the channel to Redis.
     */
    private Future<?> spread(final MessagePart news, final boolean here, final List<Node> untouched)
    {
        final Future<Void> told = this.news.tell(untouched, news);
        return here ? Future.all(shards.message(news, true, true), told) : told;
    }

    private Future<?> part(final Node node, final MessagePart part, final boolean apply)
    {
        return ownership.isSelf(node) ? shards.message(part, apply, true) : nodes.part(node, part, apply);
    }

    /** @return the cluster as this node sees it, each node describing itself (null for one that did not answer) */
    public Future<View> view()
    {
        final List<Node> all = ownership.nodes();
        final List<Future<NodeMessage.Described>> answers = new ArrayList<>();
        for (final Node node : all)
        {
            answers.add(ownership.isSelf(node) ? Future.succeededFuture(describe()) :
                nodes.describe(node).otherwise((NodeMessage.Described)null));
        }
        return Future.join(answers).transform(done ->
        {
            final List<NodeMessage.Described> described = new ArrayList<>();
            for (int i = 0; i < all.size(); i++)
            {
                final NodeMessage.Described d = answers.get(i).result();
                described.add(d != null ? d : new NodeMessage.Described(all.get(i).name(), all.get(i).address(), null, null, -1));
            }
            final Node[] owners = new Node[Slots.COUNT];
            for (int slot = 0; slot < Slots.COUNT; slot++)
            {
                owners[slot] = ownership.ownerOfSlot(slot);
            }
            return Future.succeededFuture(new View(describe(), !ownership.alone(), quorum.getAsBoolean(), described, owners));
        });
    }

    /**
     * The cluster as one node sees it.
     *
     * @param owners the owner of each slot
     */
    public record View(NodeMessage.Described self, boolean clustered, boolean quorum, List<NodeMessage.Described> nodes,
        Node[] owners)
    {
    }

    // ---------------------------------------------------------------------------------------------
    // What this node answers to the others
    // ---------------------------------------------------------------------------------------------

    @Override
    public Future<?> answer(final UserRequest<?> request)
    {
        return here(request);
    }

    @Override
    public Future<?> messagePart(final MessagePart part, final boolean apply)
    {
        return shards.message(part, apply, false);
    }

    @Override
    public Future<?> learn(final NodeMessage.News batch)
    {
        final List<Future<?>> learned = new ArrayList<>();
        for (int i = 0; i < batch.channelIds().length; i++)
        {
            learned.add(shards.message(new MessagePart(batch.channelIds()[i], batch.messageIds()[i], batch.guildIds()[i], 0,
                new long[0]), true, false));
        }
        return Future.all(learned);
    }

    @Override
    public NodeMessage.Described describe()
    {
        final LongArrayList epochs = new LongArrayList();
        final List<Integer> served = new ArrayList<>();
        // A slot served without a lease is not served: its requests are refused until the lease is renewed.
        final boolean leased = ownership.leased();
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            if (leased && ownership.serving(slot))
            {
                served.add(slot);
                epochs.addLong(ownership.epochOfSlot(slot));
            }
        }
        return new NodeMessage.Described(ownership.self().name(), ownership.self().address(),
            served.stream().mapToInt(Integer::intValue).toArray(), epochs.toLongArray(), residentUsers.getAsLong());
    }
}
