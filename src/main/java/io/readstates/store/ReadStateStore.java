package io.readstates.store;

/**
 * The read states of many users, owned by one thread (a shard's event loop); implementations are not
 * thread-safe.
 *
 * <p><b>Residency is by user.</b> A user is resident with all of its read states or not at all, so
 * {@link #forEach} is always complete. Every operation on a user's records requires the user to be
 * resident, and answers {@link Outcome#NOT_RESIDENT} otherwise; a caller loads the user and
 * {@link #install}s it.
 *
 * <p><b>A missing read state</b> behaves as (lastRead 0, mentions 0). An operation creates a record
 * only when it changes those values, bumps the version on every change, and marks the record dirty.
 *
 * <p><b>Eviction.</b> Capacity is a number of record slots and of user slots. Clean users are kept in
 * least-recently-used order; a user that becomes dirty leaves that order, and re-enters it as the
 * most recently used when its last dirty record is marked clean. An operation that needs room evicts
 * clean users from the least recently used end, never the user it is working on. When evicting every
 * clean user would still not make room, it answers {@link Outcome#FULL} and evicts nothing.
 *
 * <p><b>Ids</b> are unsigned 64-bit values carried in {@code long}s and compared as unsigned.
 */
public interface ReadStateStore extends AutoCloseable
{
    /**
     * Read states per user that a store sized from a byte budget plans for by default: one user slot per
     * this many record slots. Users with fewer leave record slots unused (the user slots run out first),
     * users with more leave user slots unused; a low figure wastes less when the guess is wrong.
     */
    int DEFAULT_RECORDS_PER_USER = 4;

    /** @return true if the user's read states are in memory. Does not count as a use. */
    boolean isResident(long userId);

    /**
     * Notes a use of a resident user, as every read of it does, without reading anything: a clean user
     * becomes the most recently used. Costs the same whatever the user holds.
     *
     * @return false if the user is not resident.
     */
    boolean use(long userId);

    /**
     * Makes a user resident with exactly the given read states (all clean), as the most recently used.
     *
     * @return CHANGED once installed; UNCHANGED if the user was already resident (memory is the newer
     * copy, so the loaded states are ignored); FULL if there is no room even after eviction.
     */
    Outcome install(long userId, LoadedUser states);

    /**
     * Fills {@code into} with one read state.
     *
     * @return false if the user is not resident or has no read state on the channel.
     */
    boolean get(long userId, long channelId, ReadState into);

    /**
     * Visits every read state of a resident user, in no particular order.
     *
     * @return the number visited, or -1 if the user is not resident.
     */
    int forEach(long userId, ReadStateVisitor visitor);

    /** lastRead = max(lastRead, messageId), mentions = 0. */
    Outcome ack(long userId, long channelId, long messageId);

    /** lastRead = messageId exactly (it may move backwards), mentions = mentionCount. */
    Outcome manualAck(long userId, long channelId, long messageId, int mentionCount);

    /** mentions + 1 if messageId is after lastRead; saturates at {@link Integer#MAX_VALUE}. */
    Outcome mention(long userId, long channelId, long messageId);

    /**
     * Takes back the mention of a deleted message: mentions - 1 if messageId is after lastRead and mentions
     * is above 0. Makes no read state where there is none.
     */
    Outcome unmention(long userId, long channelId, long messageId);

    /** Deletes one read state; the deletion is dirty until written. UNCHANGED if there was none. */
    Outcome delete(long userId, long channelId);

    /**
     * Deletes every read state of a user; UNCHANGED if it had none. All or none: if one of them is at the
     * highest version, throws as a change of it would, having deleted nothing.
     */
    Outcome deleteUser(long userId);

    /**
     * Whether {@code records} new read states of some resident users would fit now, counting what
     * evicting clean users other than these would free. A caller that checks a whole request first,
     * then applies it on the same thread, applies all of it or none; it uses each of the users just
     * before (so that they are the most recently used, and making room evicts others first).
     *
     * @return false if they would not fit, or a user is not resident
     */
    boolean canAdd(long[] userIds, int records);

    /**
     * Drops a clean user from memory.
     *
     * @return false if the user is not resident or has records not yet written.
     */
    boolean evict(long userId);

    /**
     * Walks up to {@code max} dirty records. Records stay dirty until {@link #markClean}, so a failed
     * write is simply collected again.
     *
     * @return the number visited.
     */
    int collectDirty(int max, DirtyRecordVisitor visitor);

    /**
     * Records that {@code version} of a record was written. The record becomes clean only if that is
     * still its version: a change made while the write was in flight keeps it dirty. A written
     * deletion is then forgotten.
     *
     * @return true if the record became clean.
     */
    boolean markClean(long userId, long channelId, long version);

    /**
     * Visits every resident user, dirty or clean, in no particular order. The visitor must not change
     * the store (collect first, then act).
     */
    void forEachUser(java.util.function.LongConsumer visitor);

    /** @return the number of resident users. */
    int residentUsers();

    /** @return the number of read states held, not counting deletions waiting to be written. */
    long readStates();

    /** @return the number of dirty records, deletions included. */
    long dirtyRecords();

    /** @return the number of users evicted so far, by need or by {@link #evict}. */
    long evictions();

    /** @return how many records (read states and unwritten deletions) fit. */
    int recordCapacity();

    /** @return how many users can be resident at once. */
    int userCapacity();

    /**
     * Walks every internal structure and checks that it agrees with itself and with the counters.
     * Costs a walk of everything: for tests.
     *
     * @throws IllegalStateException naming the first disagreement found.
     */
    void checkInvariants();

    /** Releases the store's memory; the store must not be used afterwards. */
    @Override
    void close();
}
