package io.readstates.cluster;

import io.readstates.domain.Badges;
import io.readstates.domain.ReadStateView;
import io.readstates.shard.MessagePart;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link NodeMessage} between nodes: a kind byte, then the fields in order, ids as
 * 8-byte longs, text as a length and UTF-8 (length -1 for null), arrays as a count and their elements.
 * Within a node a message is handed over as it is: every message is immutable once sent.
 */
final class NodeCodec implements MessageCodec<NodeMessage, NodeMessage>
{
    static final String NAME = "readstates-node";

    private static final byte CALL = 1;
    private static final byte PART = 2;
    private static final byte NEWS = 3;
    private static final byte WATCH = 4;
    private static final byte UNWATCH = 5;
    private static final byte PUSH = 6;
    private static final byte DESCRIBE = 7;
    private static final byte DONE = 8;
    private static final byte ANSWER = 9;
    private static final byte REFUSED = 10;
    private static final byte WATCHED = 11;
    private static final byte DESCRIBED = 12;
    private static final byte BEAT = 13;
    private static final byte BATCH = 14;

    private static final byte ACK = 1;
    private static final byte MANUAL_ACK = 2;
    private static final byte ACKS = 3;
    private static final byte ALL_READ_STATES = 4;
    private static final byte ONE_READ_STATE = 5;
    private static final byte DELETE = 6;
    private static final byte BADGES_OF = 7;
    private static final byte DURABLE = 8;
    private static final byte DELETE_USER = 9;
    private static final byte UNMENTION = 10;

    private static final byte NULL = 0;
    private static final byte VIEW = 1;
    private static final byte VIEWS = 2;
    private static final byte BADGES = 3;

    @Override
    public void encodeToWire(final Buffer buffer, final NodeMessage message)
    {
        final Writer out = new Writer(buffer);
        write(out, message);
        out.finish();
    }

    private static void write(final Writer out, final NodeMessage message)
    {
        if (message instanceof NodeMessage.Call m)
        {
            request(out.kind(CALL), m.request());
        }
        else if (message instanceof NodeMessage.Part m)
        {
            part(out.kind(PART).bool(m.apply()), m.part());
        }
        else if (message instanceof NodeMessage.News m)
        {
            out.kind(NEWS).longs(m.channelIds()).longs(m.guildIds()).longs(m.messageIds());
        }
        else if (message instanceof NodeMessage.Watch m)
        {
            out.kind(WATCH).id(m.userId()).text(m.node());
        }
        else if (message instanceof NodeMessage.Unwatch m)
        {
            out.kind(UNWATCH).id(m.userId()).text(m.node());
        }
        else if (message instanceof NodeMessage.Push m)
        {
            out.kind(PUSH).id(m.userId()).id(m.channelId()).text(m.stateFrame()).text(m.badgesFrame()).id(m.epoch());
        }
        else if (message instanceof NodeMessage.Describe)
        {
            out.kind(DESCRIBE);
        }
        else if (message instanceof NodeMessage.Done)
        {
            out.kind(DONE);
        }
        else if (message instanceof NodeMessage.Answer m)
        {
            value(out.kind(ANSWER), m.value());
        }
        else if (message instanceof NodeMessage.Refused m)
        {
            out.kind(REFUSED).integer(m.status()).text(m.code()).text(m.message()).integer(m.retryAfterSeconds());
        }
        else if (message instanceof NodeMessage.Watched m)
        {
            out.kind(WATCHED).text(m.readyFrame()).text(m.badgesFrame()).longs(m.channelIds()).texts(m.stateFrames())
                .id(m.epoch());
        }
        else if (message instanceof NodeMessage.Described m)
        {
            out.kind(DESCRIBED).text(m.name()).text(m.address()).integers(m.slots()).longs(m.epochs()).id(m.residentUsers());
        }
        else if (message instanceof NodeMessage.Beat m)
        {
            out.kind(BEAT).text(m.from()).id(m.incarnation()).bool(m.granted()).texts(m.givenUpNodes())
                .longs(m.givenUpIncarnations());
        }
        else if (message instanceof NodeMessage.Batch m)
        {
            out.kind(BATCH).integer(m.messages().size());
            m.messages().forEach(each -> write(out, each));
        }
    }

    @Override
    public NodeMessage decodeFromWire(final int position, final Buffer buffer)
    {
        return read(new Reader(buffer, position));
    }

    private static NodeMessage read(final Reader in)
    {
        final byte kind = in.kind();
        return switch (kind)
        {
            case CALL -> new NodeMessage.Call(request(in));
            case PART ->
            {
                final boolean apply = in.bool();
                yield new NodeMessage.Part(part(in), apply);
            }
            case NEWS -> new NodeMessage.News(in.longs(), in.longs(), in.longs());
            case WATCH -> new NodeMessage.Watch(in.id(), in.text());
            case UNWATCH -> new NodeMessage.Unwatch(in.id(), in.text());
            case PUSH -> new NodeMessage.Push(in.id(), in.id(), in.text(), in.text(), in.id());
            case DESCRIBE -> new NodeMessage.Describe();
            case DONE -> NodeMessage.Done.INSTANCE;
            case ANSWER -> new NodeMessage.Answer(value(in));
            case REFUSED -> new NodeMessage.Refused(in.integer(), in.text(), in.text(), in.integer());
            case WATCHED -> new NodeMessage.Watched(in.text(), in.text(), in.longs(), in.texts(), in.id());
            case DESCRIBED -> new NodeMessage.Described(in.text(), in.text(), in.integers(), in.longs(), in.id());
            case BEAT -> new NodeMessage.Beat(in.text(), in.id(), in.bool(), in.texts(), in.longs());
            case BATCH ->
            {
                final int n = in.integer();
                final List<NodeMessage> messages = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                {
                    messages.add(read(in));
                }
                yield new NodeMessage.Batch(messages);
            }
            default -> throw new IllegalArgumentException("not a message between nodes: kind " + kind);
        };
    }

    private static void request(final Writer out, final UserRequest<?> request)
    {
        if (request instanceof UserRequest.Ack r)
        {
            out.kind(ACK).id(r.userId()).id(r.channelId()).id(r.messageId());
        }
        else if (request instanceof UserRequest.Unmention r)
        {
            out.kind(UNMENTION).id(r.userId()).id(r.channelId()).id(r.messageId());
        }
        else if (request instanceof UserRequest.ManualAck r)
        {
            out.kind(MANUAL_ACK).id(r.userId()).id(r.channelId()).id(r.messageId()).integer(r.mentionCount());
        }
        else if (request instanceof UserRequest.Acks r)
        {
            out.kind(ACKS).id(r.userId()).longs(r.channelIds()).longs(r.messageIds());
        }
        else if (request instanceof UserRequest.AllReadStates r)
        {
            out.kind(ALL_READ_STATES).id(r.userId());
        }
        else if (request instanceof UserRequest.OneReadState r)
        {
            out.kind(ONE_READ_STATE).id(r.userId()).id(r.channelId());
        }
        else if (request instanceof UserRequest.Delete r)
        {
            out.kind(DELETE).id(r.userId()).id(r.channelId());
        }
        else if (request instanceof UserRequest.DeleteUser r)
        {
            out.kind(DELETE_USER).id(r.userId());
        }
        else if (request instanceof UserRequest.BadgesOf r)
        {
            out.kind(BADGES_OF).id(r.userId());
        }
        else if (request instanceof UserRequest.Durable<?> r)
        {
            request(out.kind(DURABLE), r.request());
        }
    }

    private static UserRequest<?> request(final Reader in)
    {
        final byte kind = in.kind();
        return switch (kind)
        {
            case ACK -> new UserRequest.Ack(in.id(), in.id(), in.id());
            case MANUAL_ACK -> new UserRequest.ManualAck(in.id(), in.id(), in.id(), in.integer());
            case UNMENTION -> new UserRequest.Unmention(in.id(), in.id(), in.id());
            case ACKS -> new UserRequest.Acks(in.id(), in.longs(), in.longs());
            case ALL_READ_STATES -> new UserRequest.AllReadStates(in.id());
            case ONE_READ_STATE -> new UserRequest.OneReadState(in.id(), in.id());
            case DELETE -> new UserRequest.Delete(in.id(), in.id());
            case BADGES_OF -> new UserRequest.BadgesOf(in.id());
            case DELETE_USER -> new UserRequest.DeleteUser(in.id());
            case DURABLE -> new UserRequest.Durable<>(request(in));
            default -> throw new IllegalArgumentException("not a request about a user: kind " + kind);
        };
    }

    private static void part(final Writer out, final MessagePart part)
    {
        out.id(part.channelId()).id(part.messageId()).id(part.guildId()).id(part.authorId()).longs(part.mentioned());
    }

    private static MessagePart part(final Reader in)
    {
        return new MessagePart(in.id(), in.id(), in.id(), in.id(), in.longs());
    }

    private static void value(final Writer out, final Object value)
    {
        if (value == null)
        {
            out.kind(NULL);
        }
        else if (value instanceof ReadStateView view)
        {
            view(out.kind(VIEW), view);
        }
        else if (value instanceof List<?> views)
        {
            out.kind(VIEWS).integer(views.size());
            views.forEach(v -> view(out, (ReadStateView)v));
        }
        else if (value instanceof Badges badges)
        {
            out.kind(BADGES).id(badges.userId()).id(badges.mentionCount()).id(badges.directUnreadChannels())
                .id(badges.directMentionCount()).integer(badges.guilds().size());
            for (final Badges.Guild guild : badges.guilds())
            {
                out.id(guild.guildId()).id(guild.unreadChannels()).id(guild.mentionCount());
            }
        }
        else
        {
            throw new IllegalArgumentException("no wire form for " + value.getClass().getSimpleName());
        }
    }

    private static Object value(final Reader in)
    {
        final byte kind = in.kind();
        switch (kind)
        {
            case NULL:
                return null;
            case VIEW:
                return view(in);
            case VIEWS:
            {
                final int n = in.integer();
                final List<ReadStateView> views = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                {
                    views.add(view(in));
                }
                return views;
            }
            case BADGES:
            {
                final long userId = in.id();
                final long mentions = in.id();
                final long directUnread = in.id();
                final long directMentions = in.id();
                final int n = in.integer();
                final List<Badges.Guild> guilds = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                {
                    guilds.add(new Badges.Guild(in.id(), in.id(), in.id()));
                }
                return new Badges(userId, mentions, guilds, directUnread, directMentions);
            }
            default:
                throw new IllegalArgumentException("not an answer: kind " + kind);
        }
    }

    private static void view(final Writer out, final ReadStateView view)
    {
        out.id(view.channelId()).id(view.lastReadMessageId()).integer(view.mentionCount()).id(view.version());
    }

    private static ReadStateView view(final Reader in)
    {
        return new ReadStateView(in.id(), in.id(), in.integer(), in.id());
    }

    @Override
    public NodeMessage transform(final NodeMessage message)
    {
        return message;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public byte systemCodecID()
    {
        return -1;
    }

    /** Appends fields to the buffer after a length, which {@link #finish} fills in, as the event bus expects. */
    private static final class Writer
    {
        private final Buffer buffer;
        private final int lengthAt;

        Writer(final Buffer buffer)
        {
            this.buffer = buffer;
            this.lengthAt = buffer.length();
            buffer.appendInt(0);
        }

        Writer kind(final byte kind)
        {
            buffer.appendByte(kind);
            return this;
        }

        Writer bool(final boolean value)
        {
            buffer.appendByte(value ? (byte)1 : 0);
            return this;
        }

        Writer id(final long value)
        {
            buffer.appendLong(value);
            return this;
        }

        Writer integer(final int value)
        {
            buffer.appendInt(value);
            return this;
        }

        Writer text(final String value)
        {
            if (value == null)
            {
                buffer.appendInt(-1);
                return this;
            }
            final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            buffer.appendInt(bytes.length).appendBytes(bytes);
            return this;
        }

        Writer longs(final long[] values)
        {
            buffer.appendInt(values.length);
            for (final long v : values)
            {
                buffer.appendLong(v);
            }
            return this;
        }

        Writer integers(final int[] values)
        {
            buffer.appendInt(values.length);
            for (final int v : values)
            {
                buffer.appendInt(v);
            }
            return this;
        }

        Writer texts(final String[] values)
        {
            buffer.appendInt(values.length);
            for (final String v : values)
            {
                text(v);
            }
            return this;
        }

        void finish()
        {
            buffer.setInt(lengthAt, buffer.length() - lengthAt - 4);
        }
    }

    /** Reads fields in the order {@link Writer} appended them. */
    private static final class Reader
    {
        private final Buffer buffer;
        private int at;

        Reader(final Buffer buffer, final int position)
        {
            this.buffer = buffer;
            this.at = position + 4;
        }

        byte kind()
        {
            return buffer.getByte(at++);
        }

        boolean bool()
        {
            return buffer.getByte(at++) != 0;
        }

        long id()
        {
            final long v = buffer.getLong(at);
            at += 8;
            return v;
        }

        int integer()
        {
            final int v = buffer.getInt(at);
            at += 4;
            return v;
        }

        String text()
        {
            final int n = integer();
            if (n < 0)
            {
                return null;
            }
            final String v = buffer.getString(at, at + n, "UTF-8");
            at += n;
            return v;
        }

        long[] longs()
        {
            final long[] values = new long[integer()];
            for (int i = 0; i < values.length; i++)
            {
                values[i] = id();
            }
            return values;
        }

        int[] integers()
        {
            final int[] values = new int[integer()];
            for (int i = 0; i < values.length; i++)
            {
                values[i] = integer();
            }
            return values;
        }

        String[] texts()
        {
            final String[] values = new String[integer()];
            for (int i = 0; i < values.length; i++)
            {
                values[i] = text();
            }
            return values;
        }
    }
}
