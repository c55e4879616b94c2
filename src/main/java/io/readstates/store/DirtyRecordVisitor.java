package io.readstates.store;

/**
 * Receives records that changed since they were last written, from {@link ReadStateStore#collectDirty}.
 * It must not call back into the store: the store is in the middle of a walk.
 */
@FunctionalInterface
public interface DirtyRecordVisitor
{
    /**
     * @param deleted true when the record was deleted and the write to make is a removal.
     */
    void accept(long userId, long channelId, long lastReadMessageId, int mentionCount, long version, boolean deleted);
}
