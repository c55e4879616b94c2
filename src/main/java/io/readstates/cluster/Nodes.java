package io.readstates.cluster;

import io.readstates.domain.Refusal;
import io.readstates.ownership.Node;
import io.readstates.shard.MessagePart;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one door between nodes: typed {@link NodeMessage}s over the event bus that the cluster engine
 * already runs, written by {@link NodeCodec}. Each node listens at one address, named for its stable
 * name. A request that gets no answer within the cross-node timeout fails with
 * {@link Refusal#OWNER_UNREACHABLE}; a refusal answered by the other node arrives as that refusal.
 *
 * <p>What an event loop says to one node during one turn leaves together when the turn ends, as one
 * {@link NodeMessage.Batch}, and its answers come back as one: on this kind of machine a socket write
 * costs more than the request it carries, and under load many requests for the same node arrive in one
 * turn. Under light load a turn holds one request, which leaves alone and waits for nothing. The price:
 * a batch is answered when its slowest request is (a user loaded from Redis holds back the others
 * asked with it). Heartbeats, descriptions, watches and unwatches do not wait for a turn's end: a watch's
 * answer (the user as it is) must leave before the pushes of the changes after it, which do wait, and
 * an unwatch must not overtake the watch before it.
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

    private final Vertx vertx;
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
        this.vertx = vertx;
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
        return queued(owner.name(), new NodeMessage.Call(request)).map(answer -> (T)((NodeMessage.Answer)answer).value());
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
        return queued(node.name(), new NodeMessage.Part(part, apply)).mapEmpty();
    }

    /** Tells a node of channels' new last messages; done once it has learned them. */
    public Future<Void> news(final Node node, final NodeMessage.News news)
    {
        return queued(node.name(), news).mapEmpty();
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
        enqueue(node, push, null);
    }

    /** Asks a node to describe itself. */
    public Future<NodeMessage.Described> describe(final Node node)
    {
        return request(node.name(), new NodeMessage.Describe()).map(NodeMessage.Described.class::cast);
    }

    private Future<NodeMessage> queued(final String node, final NodeMessage message)
    {
        final Promise<NodeMessage> answer = Promise.promise();
        enqueue(node, message, answer);
        return answer.future();
    }

    /** Adds a message to this event loop's batch for the node; {@code answer} null: nothing answers it. */
    private void enqueue(final String node, final NodeMessage message, final Promise<NodeMessage> answer)
    {
        final Context context = vertx.getOrCreateContext();
        Map<String, Outbox> outboxes = context.get(this);
        if (outboxes == null)
        {
            outboxes = new HashMap<>();
            context.put(this, outboxes);
        }
        final Outbox outbox = outboxes.computeIfAbsent(node, name -> new Outbox());
        if (outbox.messages.isEmpty())
        {
            context.runOnContext(turnEnded -> send(node, outbox.take()));
        }
        outbox.messages.add(message);
        outbox.answers.add(answer);
    }

    private void send(final String node, final Outbox batch)
    {
        if (batch.messages.size() == 1)
        {
            final Promise<NodeMessage> answer = batch.answers.get(0);
            if (answer == null)
            {
                bus.send(ADDRESS + node, batch.messages.get(0), oneWay);
            }
            else
            {
                request(node, batch.messages.get(0)).onComplete(answer);
            }
            return;
        }
        final List<Promise<NodeMessage>> waiting = batch.answers.stream().filter(Objects::nonNull).toList();
        final NodeMessage.Batch message = new NodeMessage.Batch(batch.messages);
        if (waiting.isEmpty())
        {
            bus.send(ADDRESS + node, message, oneWay);
            return;
        }
        request(node, message).onComplete(ar ->
        {
            for (int i = 0; i < waiting.size(); i++)
            {
                if (ar.failed())
                {
                    waiting.get(i).fail(ar.cause());
                }
                else if (((NodeMessage.Batch)ar.result()).messages().get(i) instanceof NodeMessage.Refused refused)
                {
                    waiting.get(i).fail(refused.toRefusal());
                }
                else
                {
                    waiting.get(i).complete(((NodeMessage.Batch)ar.result()).messages().get(i));
                }
            }
        });
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
        if (message.body() instanceof NodeMessage.Batch batch)
        {
            final List<Future<? extends NodeMessage>> answers = new ArrayList<>();
            for (final NodeMessage each : batch.messages())
            {
                final Future<? extends NodeMessage> answer = handle(each, inbox);
                if (answer != null)
                {
                    answers.add(answer);
                }
            }
            if (!answers.isEmpty())
            {
                Future.join(answers).onComplete(all ->
                    message.reply(new NodeMessage.Batch(answers.stream().map(Nodes::answerOf).toList()), oneWay));
            }
            return;
        }
        final Future<? extends NodeMessage> answer = handle(message.body(), inbox);
        if (answer != null)
        {
            answer.onComplete(done -> message.reply(answerOf(answer), oneWay));
        }
    }

    /** @return the answer to a request, or null for a message that is not answered */
    private Future<? extends NodeMessage> handle(final NodeMessage body, final Inbox inbox)
    {
        if (body instanceof NodeMessage.Call call)
        {
            return inbox.answer(call.request()).map(NodeMessage.Answer::new);
        }
        if (body instanceof NodeMessage.Part part)
        {
            return inbox.messagePart(part.part(), part.apply()).map(done -> NodeMessage.Done.INSTANCE);
        }
        if (body instanceof NodeMessage.News news)
        {
            return inbox.learn(news).map(done -> NodeMessage.Done.INSTANCE);
        }
        if (body instanceof NodeMessage.Watch watch)
        {
            return sessions == null ? Future.failedFuture(Refusal.of(503, "gateway_off",
                "the WebSocket gateway is off on the user's owner")) : sessions.watch(watch.userId(), watch.node());
        }
        if (body instanceof NodeMessage.Unwatch unwatch && sessions != null)
        {
            sessions.unwatch(unwatch.userId(), unwatch.node());
        }
        else if (body instanceof NodeMessage.Push push && sessions != null)
        {
            sessions.pushed(push);
        }
        else if (body instanceof NodeMessage.Beat beat && beats != null)
        {
            return Future.succeededFuture(beats.beat(beat));
        }
        else if (body instanceof NodeMessage.Describe)
        {
            return Future.succeededFuture(inbox.describe());
        }
        return null;
    }

    /** A completed answer as it crosses: a refusal crosses whole, any other failure as a 500. */
    private static NodeMessage answerOf(final AsyncResult<? extends NodeMessage> answer)
    {
        if (answer.succeeded())
        {
            return answer.result();
        }
        if (answer.cause() instanceof Refusal refusal)
        {
            return NodeMessage.Refused.of(refusal);
        }
        LOG.error("a request from another node failed", answer.cause());
        return NodeMessage.Refused.of(Refusal.of(500, "internal", "an internal error occurred"));
    }

    /** One event loop's messages for one node in the current turn, each with its answer's promise (null if none). */
    private static final class Outbox
    {
        private List<NodeMessage> messages = new ArrayList<>();
        private List<Promise<NodeMessage>> answers = new ArrayList<>();

        /** @return the turn's messages, leaving the outbox empty for the next turn */
        Outbox take()
        {
            final Outbox taken = new Outbox();
            taken.messages = messages;
            taken.answers = answers;
            messages = new ArrayList<>();
            answers = new ArrayList<>();
            return taken;
        }
    }
}
