package io.readstates.store;

/**
 * Receives one user's read states from {@link ReadStateStore#forEach}. It must not call back into the
 * store: the store is in the middle of a walk.
 */
@FunctionalInterface
public interface ReadStateVisitor
{
    void accept(long channelId, long lastReadMessageId, int mentionCount, long version);
}
