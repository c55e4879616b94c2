package io.readstates.shard;

import org.agrona.collections.LongHashSet;

/**
 * The messages whose mentions a shard counted lately, so that a message posted again (a caller's retry
 * after a timeout or a 503) is not counted twice. A message is remembered for a window of time, and at most
 * {@code capacity} of them, the oldest forgotten first; within both, a repeat is recognised whatever
 * happened in between. Only messages that mention someone are remembered: nothing else a message does
 * counts twice.
 *
 * <p>A message is remembered by a 64-bit digest of its channel and id: two messages whose digests
 * collide within the window would count only once (with 65,536 remembered, about one chance in 10^10).
 * Runs on the shard's event loop: no locks, no allocation per message.
 */
public final class RecentMessages
{
    private final long windowMs;
    private final long windowNanos;
    private final LongHashSet remembered;
    /** Digests in the order remembered, with when: a ring, oldest at {@link #head}. */
    private final long[] digests;
    private final long[] at;
    private int head;
    private int size;

    public RecentMessages(final long windowMs, final int capacity)
    {
        this.windowMs = windowMs;
        this.windowNanos = windowMs * 1_000_000;
        this.remembered = new LongHashSet(capacity * 2);
        this.digests = new long[capacity];
        this.at = new long[capacity];
    }

    /**
     * @return true the first time within the window that the message is seen (it is remembered from now),
     * false for a repeat
     */
    public boolean firstTime(final long channelId, final long messageId)
    {
        final long now = System.nanoTime();
        forgetOlderThan(now - windowNanos);
        final long digest = digest(channelId, messageId);
        if (remembered.contains(digest))
        {
            return false;
        }
        if (size == digests.length)
        {
            remembered.remove(digests[head]);
            head = (head + 1) % digests.length;
            size--;
        }
        final int tail = (head + size) % digests.length;
        digests[tail] = digest;
        at[tail] = now;
        size++;
        remembered.add(digest);
        return true;
    }

    /** @return an empty memory with the same window and capacity */
    public RecentMessages another()
    {
        return new RecentMessages(windowMs, digests.length);
    }

    /**
     * @return what stands for the channel when one user's part of a message is remembered rather than the
     * whole message (a deletion is taken back user by user)
     */
    public static long partOf(final long userId, final long channelId)
    {
        return channelId ^ mix(userId ^ 0x5DEECE66DL);
    }

    /** @return how many messages are remembered now */
    public int size()
    {
        return size;
    }

    private void forgetOlderThan(final long oldest)
    {
        while (size > 0 && at[head] - oldest < 0)
        {
            remembered.remove(digests[head]);
            head = (head + 1) % digests.length;
            size--;
        }
    }

    /** A mix of both ids (splitmix64's finaliser over each): snowflakes differ mostly in their low and high bits. */
    static long digest(final long channelId, final long messageId)
    {
        return mix(channelId * 0x9E3779B97F4A7C15L + mix(messageId));
    }

    private static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
