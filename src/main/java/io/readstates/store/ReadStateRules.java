package io.readstates.store;

/**
 * The rules that every store applies in the same way. Snowflake ids grow with time and are unsigned, so
 * "after" is an unsigned comparison.
 */
final class ReadStateRules
{
    private ReadStateRules()
    {
    }

    static boolean isAfter(final long messageId, final long lastReadMessageId)
    {
        return Long.compareUnsigned(messageId, lastReadMessageId) > 0;
    }

    /** A plain ack never moves lastRead backwards. */
    static long acked(final long lastReadMessageId, final long messageId)
    {
        return isAfter(messageId, lastReadMessageId) ? messageId : lastReadMessageId;
    }

    static int plusOne(final int mentionCount)
    {
        return mentionCount == Integer.MAX_VALUE ? mentionCount : mentionCount + 1;
    }
}
