package io.readstates.cluster;

import io.readstates.domain.Refusal;
import io.readstates.ownership.Node;
import io.readstates.shard.MessagePart;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one door between nodes: typed {@link NodeMessage}s over the event bus that the cluster engine
 * already runs, written by {@link NodeCodec}. Each node listens at one address, named for its stable
 * name. A request that gets no answer within the cross-node timeout fails with
 * {@link Refusal#OWNER_UNREACHABLE}; a refusal answered by the other node arrives as that refusal.
 */
public final class Nodes
{
    private static final Logger LOG = LoggerFactory.getLogger(Nodes.class);
    private static final String ADDRESS = "readstates.node.";

    /** What a node answers to requests from the others. */
    public interface Inbox
    {
        /** Answers a request about one of this node's users. */
        Future<?> answer(UserRequest<?> request);

        /** Checks, or applies, this node's part of a message. */
        Future<?> messagePart(MessagePart part, boolean apply);

        /** Learns channels' new last messages. */
        Future<?> learn(NodeMessage.News news);

        NodeMessage.Described describe();
    }

    /** The gateway's side: sessions watched across nodes, and their pushes. */
    public interface Sessions
    {
        /** Another node holds sessions of a user this node owns: it is sent every change from now on. */
        Future<NodeMessage.Watched> watch(long userId, String node);

        void unwatch(long userId, String node);

        /** A change of a user this node holds sessions of, pushed by the user's owner. */
        void pushed(NodeMessage.Push push);
    }

    /** The heartbeats' side: answers another node's beat. */
    public interface Beats
    {
        NodeMessage.Beat beat(NodeMessage.Beat beat);
    }

    private final EventBus bus;
    private final String self;
    private final DeliveryOptions requests;
    private final DeliveryOptions oneWay;
    private Sessions sessions;
    private volatile Beats beats;

    /**
     * @param timeoutMs how long a request to another node may go unanswered (the one cross-node timeout)
     */
    public Nodes(final Vertx vertx, final String self, final long timeoutMs)
    {
        this.bus = vertx.eventBus();
        this.self = self;
        this.requests = new DeliveryOptions().setCodecName(NodeCodec.NAME).setSendTimeout(timeoutMs);
        this.oneWay = new DeliveryOptions().setCodecName(NodeCodec.NAME);
        try
        {
            bus.registerCodec(new NodeCodec());
        }
        catch (final IllegalStateException alreadyRegistered)
        {
            // Nodes that share one Vert.x (in tests) share its codec.
        }
    }

    /** Starts answering the other nodes, as {@code inbox} says. */
    public void inbox(final Inbox inbox)
    {
        bus.<NodeMessage>consumer(ADDRESS + self, message -> receive(message, inbox));
    }

    /** The gateway's handlers; until they are set, watches are refused and pushes dropped. */
    public void sessions(final Sessions sessions)
    {
        this.sessions = sessions;
    }

    /** Asks the owner to answer a request about one of its users. */
    @SuppressWarnings("unchecked")
    public <T> Future<T> call(final Node owner, final UserRequest<T> request)
    {
        return request(owner.name(), new NodeMessage.Call(request)).map(answer -> (T)((NodeMessage.Answer)answer).value());
    }

    /** The heartbeats; until they are set, beats go unanswered. */
    public void beats(final Beats beats)
    {
        this.beats = beats;
    }

    /** Sends a node a heartbeat; answered with its own. */
    public Future<NodeMessage.Beat> beat(final String node, final NodeMessage.Beat beat)
    {
        return request(node, beat).map(NodeMessage.Beat.class::cast);
    }

    /** Has a node check, or apply, its part of a message. */
    public Future<Void> part(final Node node, final MessagePart part, final boolean apply)
    {
        return request(node.name(), new NodeMessage.Part(part, apply)).mapEmpty();
    }

    /** Tells a node of channels' new last messages; done once it has learned them. */
    public Future<Void> news(final Node node, final NodeMessage.News news)
    {
        return request(node.name(), news).mapEmpty();
    }

    /** Asks a user's owner to send this node every change of the user, and the user as it is now. */
    public Future<NodeMessage.Watched> watch(final String owner, final long userId)
    {
        return request(owner, new NodeMessage.Watch(userId, self)).map(NodeMessage.Watched.class::cast);
    }

    /** Tells a user's owner that this node holds no session of the user any more. */
    public void unwatch(final String owner, final long userId)
    {
        bus.send(ADDRESS + owner, new NodeMessage.Unwatch(userId, self), oneWay);
    }

    /** Sends a change of a user to a node that holds sessions of it. */
    public void push(final String node, final NodeMessage.Push push)
    {
        bus.send(ADDRESS + node, push, oneWay);
    }

    /** Asks a node to describe itself. */
    public Future<NodeMessage.Described> describe(final Node node)
    {
        return request(node.name(), new NodeMessage.Describe()).map(NodeMessage.Described.class::cast);
    }

    private Future<NodeMessage> request(final String node, final NodeMessage message)
    {
        return bus.<NodeMessage>request(ADDRESS + node, message, requests).transform(ar ->
        {
            if (ar.failed())
            {
                return Future.failedFuture(Refusal.OWNER_UNREACHABLE);
            }
            final NodeMessage answer = ar.result().body();
            return answer instanceof NodeMessage.Refused refused ? Future.failedFuture(refused.toRefusal()) :
                Future.succeededFuture(answer);
        });
    }

    private void receive(final Message<NodeMessage> message, final Inbox inbox)
    {
        final NodeMessage body = message.body();
        if (body instanceof NodeMessage.Call call)
        {
            answer(message, inbox.answer(call.request()).map(NodeMessage.Answer::new));
        }
        else if (body instanceof NodeMessage.Part part)
        {
            answer(message, inbox.messagePart(part.part(), part.apply()).map(done -> NodeMessage.Done.INSTANCE));
        }
        else if (body instanceof NodeMessage.News news)
        {
            answer(message, inbox.learn(news).map(done -> NodeMessage.Done.INSTANCE));
        }
        else if (body instanceof NodeMessage.Watch watch)
        {
            answer(message, sessions == null ? Future.failedFuture(Refusal.of(503, "gateway_off",
                "the WebSocket gateway is off on the user's owner")) : sessions.watch(watch.userId(), watch.node()));
        }
        else if (body instanceof NodeMessage.Unwatch unwatch && sessions != null)
        {
            sessions.unwatch(unwatch.userId(), unwatch.node());
        }
        else if (body instanceof NodeMessage.Push push && sessions != null)
        {
            sessions.pushed(push);
        }
        else if (body instanceof NodeMessage.Beat beat && beats != null)
        {
            message.reply(beats.beat(beat), oneWay);
        }
        else if (body instanceof NodeMessage.Describe)
        {
            message.reply(inbox.describe(), oneWay);
        }
    }

    private void answer(final Message<NodeMessage> message, final Future<? extends NodeMessage> answer)
    {
        answer.onComplete(ar ->
        {
            if (ar.succeeded())
            {
                message.reply(ar.result(), oneWay);
            }
            else if (ar.cause() instanceof Refusal refusal)
            {
                message.reply(NodeMessage.Refused.of(refusal), oneWay);
            }
            else
            {
                LOG.error("a request from another node failed", ar.cause());
                message.reply(NodeMessage.Refused.of(Refusal.of(500, "internal", "an internal error occurred")), oneWay);
            }
        });
    }
}
