package io.readstates.store;

/**
 * The rules that every store, and everything that counts unread channels, applies in the same way.
 * Snowflake ids grow with time and are unsigned, so "after" is an unsigned comparison; this class is
 * its only home.
 */
public final class ReadStateRules
{
    /**
     * The highest version a read state can have: 2^37 - 1, about 137 billion changes of one user's read
     * state of one channel (four years at one change every millisecond). The off-heap store keeps a
     * version in 37 bits, so that a record and its link to the next fit in 32 bytes.
     */
    public static final long MAX_VERSION = (1L << 37) - 1;

    private ReadStateRules()
    {
    }

    /** @return true if {@code messageId} came after {@code lastReadMessageId}: for a channel's last message, unread. */
    public static boolean isAfter(final long messageId, final long lastReadMessageId)
    {
        return Long.compareUnsigned(messageId, lastReadMessageId) > 0;
    }

    /** A plain ack never moves lastRead backwards. */
    public static long acked(final long lastReadMessageId, final long messageId)
    {
        return isAfter(messageId, lastReadMessageId) ? messageId : lastReadMessageId;
    }

    public static int plusOne(final int mentionCount)
    {
        return mentionCount == Integer.MAX_VALUE ? mentionCount : mentionCount + 1;
    }

    /**
     * The mention count once a deleted message's mention is taken back: one less if the message is still
     * unread (a read message's mentions were cleared by the ack), never below 0.
     */
    public static int withoutMention(final int mentionCount, final long messageId, final long lastReadMessageId)
    {
        return mentionCount > 0 && isAfter(messageId, lastReadMessageId) ? mentionCount - 1 : mentionCount;
    }

    /**
     * @return the version of a read state's next change
     * @throws IllegalStateException if the read state is at {@link #MAX_VERSION}: it can change no more,
     *     and is left as it was
     */
    public static long nextVersion(final long version)
    {
        if (version >= MAX_VERSION)
        {
            throw new IllegalStateException("the read state is at the highest version, " + MAX_VERSION + ", and cannot change");
        }
        return version + 1;
    }

    /** @throws IllegalArgumentException if {@code version} is not one a read state can have. */
    public static long checkVersion(final long version)
    {
        if (version < 0 || version > MAX_VERSION)
        {
            throw new IllegalArgumentException("a read state's version must be from 0 to " + MAX_VERSION + ", was " + version);
        }
        return version;
    }
}
