package io.readstates.cluster;

import io.readstates.domain.Badges;
import io.readstates.domain.ReadStateView;
import io.readstates.domain.Refusal;
import io.readstates.shard.MessagePart;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every message between nodes arrives as it was sent, whatever else shares the buffer. */
class NodeCodecTest
{
    private static final long MAX_ID = Long.parseUnsignedLong("18446744073709551615");

    private final NodeCodec codec = new NodeCodec();

    @Test
    void shouldCarryEveryRequestAboutAUser()
    {
        for (final UserRequest<?> request : List.<UserRequest<?>>of(
            new UserRequest.Ack(MAX_ID, 7, 1000),
            new UserRequest.ManualAck(42, 7, 300, 2),
            new UserRequest.Unmention(42, 7, MAX_ID),
            new UserRequest.Acks(42, new long[] {1, 2, MAX_ID}, new long[] {10, 20, 30}),
            new UserRequest.AllReadStates(42),
            new UserRequest.OneReadState(42, 7),
            new UserRequest.Delete(42, 7),
            new UserRequest.DeleteUser(42),
            new UserRequest.BadgesOf(42),
            new UserRequest.Durable<>(new UserRequest.Ack(42, 7, 1000)),
            new UserRequest.Durable<>(new UserRequest.Acks(42, new long[] {1}, new long[] {10}))))
        {
            assertCarried(new NodeMessage.Call(request));
        }
    }

    @Test
    void shouldCarryEveryAnswer()
    {
        assertCarried(new NodeMessage.Answer(null));
        assertCarried(new NodeMessage.Answer(new ReadStateView(7, MAX_ID, 3, (1L << 37) - 1)));
        assertCarried(new NodeMessage.Answer(List.of(new ReadStateView(7, 500, 0, 1), new ReadStateView(8, 600, 1, 2))));
        assertCarried(new NodeMessage.Answer(List.of()));
        assertCarried(new NodeMessage.Answer(new Badges(42, 5, List.of(new Badges.Guild(9, 2, 3), new Badges.Guild(MAX_ID, 1, 0)),
            4, 2)));
        assertSame(NodeMessage.Done.INSTANCE, roundTrip(NodeMessage.Done.INSTANCE));
    }

    @Test
    void shouldCarryARefusalWholeWithItsRetryAfter()
    {
        final NodeMessage.Refused refused = (NodeMessage.Refused)roundTrip(NodeMessage.Refused.of(Refusal.MOVING));
        final Refusal refusal = refused.toRefusal();
        assertEquals(503, refusal.status());
        assertEquals("moving", refusal.code());
        assertEquals(Refusal.MOVING.getMessage(), refusal.getMessage());
        assertEquals(1, refusal.retryAfterSeconds());
    }

    @Test
    void shouldCarryMessagesSessionsAndDescriptions()
    {
        assertCarried(new NodeMessage.Part(new MessagePart(7, 500, 9, 1000, new long[] {1, 2, 3}), true));
        assertCarried(new NodeMessage.Part(new MessagePart(7, 500, 0, 0, new long[0]), false));
        assertCarried(new NodeMessage.News(new long[] {7, 8}, new long[] {9, 0}, new long[] {500, MAX_ID}));
        assertCarried(new NodeMessage.Watch(42, "readstates-1"));
        assertCarried(new NodeMessage.Unwatch(42, "readstates-1"));
        assertCarried(new NodeMessage.Push(42, 7, "{\"op\":\"read_state\"}", "{\"op\":\"badges\",\"é\":\"ü\"}", 12));
        assertCarried(new NodeMessage.Push(42, 0, null, "{\"op\":\"badges\"}", 0));
        assertCarried(new NodeMessage.Watched("{\"op\":\"ready\"}", "{\"op\":\"badges\"}", new long[] {7},
            new String[] {"{\"op\":\"read_state\"}"}, 12));
        assertCarried(new NodeMessage.Describe());
        assertCarried(new NodeMessage.Described("readstates-0", "10.0.0.1:8080", new int[] {0, 5, 1023}, new long[] {1, 2, 3},
            12_345));
        assertCarried(new NodeMessage.Beat("readstates-0", Long.MAX_VALUE, true, new String[] {"readstates-1", "readstates-1"},
            new long[] {7, 8}));
        assertCarried(new NodeMessage.Beat("readstates-2", 0, false, new String[0], new long[0]));
    }

    @Test
    void shouldCarryABatchInItsOrderAndTheAnswersToIt()
    {
        assertCarried(new NodeMessage.Batch(List.of(
            new NodeMessage.Call(new UserRequest.Ack(42, 7, 1000)),
            new NodeMessage.Push(43, 7, null, "{\"op\":\"badges\"}", 3),
            new NodeMessage.Part(new MessagePart(7, 500, 9, 1000, new long[] {42, 43}), false),
            new NodeMessage.Unwatch(44, "readstates-1"))));
        assertCarried(new NodeMessage.Batch(List.of(
            new NodeMessage.Answer(new ReadStateView(7, 1000, 0, 5)),
            NodeMessage.Refused.of(Refusal.MOVING),
            NodeMessage.Done.INSTANCE)));
        assertCarried(new NodeMessage.Batch(List.of()));
    }

    @Test
    void shouldReadAMessageFromWhereItStartsInABufferItShares()
    {
        final Buffer buffer = Buffer.buffer().appendString("what came before");
        final int start = buffer.length();
        final NodeMessage sent = new NodeMessage.Watch(42, "readstates-2");
        codec.encodeToWire(buffer, sent);
        buffer.appendString("what comes after");
        assertTrue(sameMessage(sent, codec.decodeFromWire(start, buffer)));
    }

    @Test
    void shouldHandAMessageOverAsItIsWithinANode()
    {
        final NodeMessage sent = new NodeMessage.Watch(42, "readstates-2");
        assertSame(sent, codec.transform(sent));
    }

    private NodeMessage roundTrip(final NodeMessage message)
    {
        final Buffer buffer = Buffer.buffer();
        codec.encodeToWire(buffer, message);
        return codec.decodeFromWire(0, buffer);
    }

    private void assertCarried(final NodeMessage message)
    {
        final NodeMessage received = roundTrip(message);
        assertTrue(sameMessage(message, received), () -> "sent " + message + ", received " + received);
    }

    /** Records compare arrays by identity: compare them, and nested records, by content. */
    private static boolean sameMessage(final Object a, final Object b)
    {
        if (a == null || b == null)
        {
            return a == b;
        }
        if (a instanceof List<?> as && b instanceof List<?> bs)
        {
            if (as.size() != bs.size())
            {
                return false;
            }
            for (int i = 0; i < as.size(); i++)
            {
                if (!sameMessage(as.get(i), bs.get(i)))
                {
                    return false;
                }
            }
            return true;
        }
        if (a.getClass() != b.getClass())
        {
            return false;
        }
        if (a.getClass().isArray())
        {
            return Objects.deepEquals(a, b);
        }
        if (!a.getClass().isRecord())
        {
            return a.equals(b);
        }
        for (final RecordComponent component : a.getClass().getRecordComponents())
        {
            try
            {
                if (!sameMessage(component.getAccessor().invoke(a), component.getAccessor().invoke(b)))
                {
                    return false;
                }
            }
            catch (final ReflectiveOperationException e)
            {
                throw new AssertionError(e);
            }
        }
        return true;
    }
}
