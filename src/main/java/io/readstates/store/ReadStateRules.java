package io.readstates.store;

/**
 * The rules that every store, and everything that counts unread channels, applies in the same way.
 * Snowflake ids grow with time and are unsigned, so "after" is an unsigned comparison; this class is
 * its only home.
 */
public final class ReadStateRules
{
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
}
