package io.readstates.cluster;

import io.readstates.domain.ReadStateView;
import io.readstates.domain.Refusal;
import io.readstates.ownership.Node;
import io.readstates.shard.MessagePart;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/** What one event loop says to a node in one turn crosses as one message, and every request still gets its own answer. */
class NodesTest
{
    private static final Node B = new Node("b", "b:8080");
    private static final long REFUSED_MESSAGE = 13;

    private Vertx vertx;
    private Nodes a;
    /** What b's inbox and sessions saw, in order. */
    private final List<Object> seenByB = new CopyOnWriteArrayList<>();
    /** Each message sent to b's address, as it left. */
    private final List<NodeMessage> sentToB = new CopyOnWriteArrayList<>();
    private volatile boolean bAnswers = true;

    @BeforeEach
    void start()
    {
        vertx = Vertx.vertx();
        vertx.eventBus().addOutboundInterceptor(delivery ->
        {
            if (delivery.message().address().equals("readstates.node.b"))
            {
                sentToB.add((NodeMessage)delivery.message().body());
            }
            delivery.next();
        });
        a = new Nodes(vertx, "a", 300);
        final Nodes b = new Nodes(vertx, "b", 300);
        b.inbox(new Inbox());
        b.sessions(new Nodes.Sessions()
        {
            @Override
            public Future<NodeMessage.Watched> watch(final long userId, final String node)
            {
                throw new UnsupportedOperationException();
            }

            @Override
            public void unwatch(final long userId, final String node)
            {
                throw new UnsupportedOperationException();
            }

            @Override
            public void pushed(final NodeMessage.Push push)
            {
                seenByB.add("push " + push.userId());
            }
        });
    }

    @AfterEach
    void stop() throws Exception
    {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldSendWhatOneTurnSaysToANodeAsOneMessageAndGiveEachRequestItsOwnAnswer() throws Exception
    {
        final List<Future<ReadStateView>> answers = inOneTurn(() -> List.of(
            a.call(B, new UserRequest.Ack(42, 7, 1000)),
            pushThenNothing(43),
            a.call(B, new UserRequest.Ack(44, 7, REFUSED_MESSAGE)),
            pushThenNothing(45),
            a.call(B, new UserRequest.Ack(46, 8, 2000))));

        assertEquals(1000, answers.get(0).result().lastReadMessageId());
        assertEquals("moving", ((Refusal)answers.get(2).cause()).code());
        assertEquals(2000, answers.get(4).result().lastReadMessageId());
        assertEquals(List.of("ack 42", "push 43", "ack 44", "push 45", "ack 46"), seenByB);
        assertEquals(1, sentToB.size());
        assertEquals(5, assertInstanceOf(NodeMessage.Batch.class, sentToB.get(0)).messages().size());
    }

    @Test
    void shouldSendARequestAloneInItsTurnAsItIs() throws Exception
    {
        inOneTurn(() -> List.of(a.call(B, new UserRequest.Ack(42, 7, 1000))));
        inOneTurn(() -> List.of(a.call(B, new UserRequest.Ack(43, 7, 1000))));

        assertEquals(2, sentToB.size());
        sentToB.forEach(message -> assertInstanceOf(NodeMessage.Call.class, message));
    }

    @Test
    void shouldFailEveryRequestOfAnUnansweredBatchAsTheOwnerUnreachable() throws Exception
    {
        bAnswers = false;
        final List<Future<ReadStateView>> answers = inOneTurn(() -> List.of(
            a.call(B, new UserRequest.Ack(42, 7, 1000)),
            a.call(B, new UserRequest.Ack(43, 7, 1000))));

        answers.forEach(answer -> assertSame(Refusal.OWNER_UNREACHABLE, answer.cause()));
    }

    private Future<ReadStateView> pushThenNothing(final long userId)
    {
        a.push("b", new NodeMessage.Push(userId, 7, null, "{}", 1));
        return Future.succeededFuture();
    }

    /** Runs {@code turn} within one task of an event loop, and waits until every answer has arrived. */
    private List<Future<ReadStateView>> inOneTurn(final java.util.function.Supplier<List<Future<ReadStateView>>> turn)
        throws Exception
    {
        final Promise<List<Future<ReadStateView>>> started = Promise.promise();
        vertx.runOnContext(v -> started.complete(turn.get()));
        final List<Future<ReadStateView>> answers = started.future().toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        Future.join(answers).otherwiseEmpty().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return answers;
    }

    /** Answers an ack with the read state it asks for, or refuses it as moving; never answers while b is silent. */
    private final class Inbox implements Nodes.Inbox
    {
        @Override
        public Future<?> answer(final UserRequest<?> request)
        {
            final UserRequest.Ack ack = (UserRequest.Ack)request;
            seenByB.add("ack " + ack.userId());
            if (!bAnswers)
            {
                return Promise.promise().future();
            }
            return ack.messageId() == REFUSED_MESSAGE ? Future.failedFuture(Refusal.MOVING) :
                Future.succeededFuture(new ReadStateView(ack.channelId(), ack.messageId(), 0, 1));
        }

        @Override
        public Future<?> messagePart(final MessagePart part, final boolean apply)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<?> learn(final NodeMessage.News news)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public NodeMessage.Described describe()
        {
            throw new UnsupportedOperationException();
        }
    }
}
