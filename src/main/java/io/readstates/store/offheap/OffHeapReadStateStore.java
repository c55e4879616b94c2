package io.readstates.store.offheap;

import io.readstates.store.DirtyRecordVisitor;
import io.readstates.store.LoadedUser;
import io.readstates.store.Outcome;
import io.readstates.store.ReadState;
import io.readstates.store.ReadStateRules;
import io.readstates.store.ReadStateStore;
import io.readstates.store.ReadStateVisitor;

import static io.readstates.store.offheap.OffHeapArray.NIL;

/**
 * The read-state store of a shard: fixed-size records in native memory, in open-addressing tables,
 * with no Java object per record or per user, so the garbage collector has nothing to trace however
 * many read states are held, and no operation allocates.
 *
 * <p><b>Sizing.</b> All memory is reserved when the store is built, for a fixed number of record and
 * user slots derived from a byte budget; nothing ever grows or rehashes, so no operation pays for the
 * size of the table. The record table and the user index are zeroed, and so committed, up front;
 * pages of user slots that were never used are not committed by the operating system.
 *
 * <p><b>Layout.</b> {@link RecordTable} holds one record per read state in the slots of its hash table
 * on (user id, channel id); {@link UserTable} holds one slot per resident user, found through its
 * {@link UserIndex}, with the head of its list of records, and keeps the LRU list of clean users and
 * the list of dirty users. A lookup finds the user and the record side by side, and checks that the
 * record is the user's. This class applies the operations over both tables and keeps the counts that
 * span them.
 */
public final class OffHeapReadStateStore implements ReadStateStore
{
    /** Bytes per record slot. */
    public static final int RECORD_BYTES = RecordTable.LENGTH;
    /** Bytes per user slot. */
    public static final int USER_BYTES = UserTable.LENGTH;

    /**
     * Records are probed in place, so the load factor sets how many slots a lookup scans (2.6 on average
     * for a record found, at 0.76): near the emptiest table that keeps a read state within 48 bytes, users
     * included, when the store is planned for 8 read states per user (47.6 at 0.76).
     */
    static final double RECORD_LOAD_FACTOR = 0.76;
    /** The most records one store can hold: its table's slots must fit in a record's link to the next. */
    static final int MAX_RECORDS = (int)(RecordTable.MAX_SLOTS * RECORD_LOAD_FACTOR);
    private static final double USER_LOAD_FACTOR = 0.75;

    /** Native arrays a store holds: records, user slots, user index. */
    private static final int TABLES = 3;

    private static final int ACK = 0;
    private static final int MANUAL_ACK = 1;
    private static final int MENTION = 2;
    private static final int UNMENTION = 3;

    private final RecordTable records;
    private final UserTable users;

    private long readStates;
    private long dirtyRecords;
    private long evictions;

    /**
     * A store that fits in {@code capacityBytes} of native memory, indexes included, with one user slot
     * for every {@link #DEFAULT_RECORDS_PER_USER} record slots.
     */
    public static OffHeapReadStateStore withCapacityBytes(final long capacityBytes)
    {
        return withCapacityBytes(capacityBytes, DEFAULT_RECORDS_PER_USER);
    }

    /** A store that fits in {@code capacityBytes}, with one user slot per {@code recordsPerUser} records. */
    public static OffHeapReadStateStore withCapacityBytes(final long capacityBytes, final int recordsPerUser)
    {
        if (recordsPerUser < 1)
        {
            throw new IllegalArgumentException("recordsPerUser must be at least 1, was " + recordsPerUser);
        }
        final double perRecord = RECORD_BYTES / RECORD_LOAD_FACTOR +
            (USER_BYTES + UserIndex.BUCKET_BYTES / USER_LOAD_FACTOR) / recordsPerUser;
        final long recordSlots = (long)((capacityBytes - TABLES * OffHeapArray.ALIGNMENT_BYTES) / perRecord);
        if (recordSlots < 1 || recordSlots > MAX_RECORDS)
        {
            throw new IllegalArgumentException(
                "capacity of " + capacityBytes + " bytes is out of range: one read state takes about " +
                Math.round(perRecord) + " bytes, and at most " + MAX_RECORDS + " fit in one store");
        }
        final int userSlots = (int)Math.max(1, recordSlots / recordsPerUser);
        return new OffHeapReadStateStore((int)recordSlots, userSlots);
    }

    /** A store with exactly this many record and user slots. */
    public OffHeapReadStateStore(final int recordCapacity, final int userCapacity)
    {
        if (recordCapacity < 1 || userCapacity < 1)
        {
            throw new IllegalArgumentException("capacities must be positive");
        }
        if (userCapacity > RecordTable.MAX_SLOTS)
        {
            throw new IllegalArgumentException("too many users for one store: " + userCapacity + " > " + RecordTable.MAX_SLOTS);
        }
        this.users = new UserTable(userCapacity, USER_LOAD_FACTOR);
        this.records = new RecordTable(recordCapacity, RECORD_LOAD_FACTOR, users);
    }

    /** @return the native memory this store holds, indexes included. */
    public long memoryBytes()
    {
        return records.bytes() + users.bytes();
    }

    // ---------------------------------------------------------------------------------------------
    // Queries
    // ---------------------------------------------------------------------------------------------

    @Override
    public boolean isResident(final long userId)
    {
        return users.find(userId) != NIL;
    }

    @Override
    public boolean use(final long userId)
    {
        final int user = users.find(userId);
        if (user == NIL)
        {
            return false;
        }
        users.touch(user);
        return true;
    }

    @Override
    public boolean get(final long userId, final long channelId, final ReadState into)
    {
        final int user = users.find(userId);
        if (user == NIL)
        {
            return false;
        }
        users.touch(user);
        final int record = records.find(user, userId, channelId);
        if (record == NIL || records.isDeleted(record))
        {
            return false;
        }
        into.set(channelId, records.lastRead(record), records.mentions(record), records.version(record));
        return true;
    }

    @Override
    public int forEach(final long userId, final ReadStateVisitor visitor)
    {
        final int user = users.find(userId);
        if (user == NIL)
        {
            return -1;
        }
        users.touch(user);
        final RecordTable records = this.records;
        int visited = 0;
        for (int r = users.head(user); r != NIL; r = records.next(r))
        {
            if (!records.isDeleted(r))
            {
                visitor.accept(records.channelId(r), records.lastRead(r), records.mentions(r), records.version(r));
                visited++;
            }
        }
        return visited;
    }

    // ---------------------------------------------------------------------------------------------
    // Changes
    // ---------------------------------------------------------------------------------------------

    @Override
    public Outcome ack(final long userId, final long channelId, final long messageId)
    {
        return change(userId, channelId, ACK, messageId, 0);
    }

    @Override
    public Outcome manualAck(final long userId, final long channelId, final long messageId, final int mentionCount)
    {
        if (mentionCount < 0)
        {
            throw new IllegalArgumentException("mentionCount must not be negative: " + mentionCount);
        }
        return change(userId, channelId, MANUAL_ACK, messageId, mentionCount);
    }

    @Override
    public Outcome mention(final long userId, final long channelId, final long messageId)
    {
        return change(userId, channelId, MENTION, messageId, 0);
    }

    @Override
    public Outcome unmention(final long userId, final long channelId, final long messageId)
    {
        return change(userId, channelId, UNMENTION, messageId, 0);
    }

    private Outcome change(final long userId, final long channelId, final int op, final long messageId, final int count)
    {
        final int user = users.find(userId);
        if (user == NIL)
        {
            return Outcome.NOT_RESIDENT;
        }
        // The use is noted only where nothing changed (unchanged, full, refused): a change leaves the user
        // dirty, off the LRU list, and a use noted of a dirty user moves nothing when it is applied (see
        // UserTable), yet costs a read of the user's slot then.
        boolean changed = false;
        try
        {
            final Outcome outcome = changeResident(user, userId, channelId, op, messageId, count);
            changed = outcome == Outcome.CHANGED;
            return outcome;
        }
        finally
        {
            if (!changed)
            {
                users.touch(user);
            }
        }
    }

    private Outcome changeResident(final int user, final long userId, final long channelId, final int op,
        final long messageId, final int count)
    {
        final RecordTable records = this.records;
        int record = records.find(user, userId, channelId);
        final boolean live = record != NIL && !records.isDeleted(record);
        final long lastRead = live ? records.lastRead(record) : 0;
        final int mentions = live ? records.mentions(record) : 0;

        final long newLastRead;
        final int newMentions;
        switch (op)
        {
            case ACK:
                newLastRead = ReadStateRules.acked(lastRead, messageId);
                newMentions = 0;
                break;
            case MANUAL_ACK:
                newLastRead = messageId;
                newMentions = count;
                break;
            case UNMENTION:
                newLastRead = lastRead;
                newMentions = ReadStateRules.withoutMention(mentions, messageId, lastRead);
                break;
            default:
                newLastRead = lastRead;
                newMentions = ReadStateRules.isAfter(messageId, lastRead) ? ReadStateRules.plusOne(mentions) : mentions;
                break;
        }
        if (newLastRead == lastRead && newMentions == mentions)
        {
            return Outcome.UNCHANGED;
        }
        final long version = ReadStateRules.nextVersion(record == NIL ? 0 : records.version(record));

        if (record == NIL)
        {
            if (!makeRoom(1, 0, user))
            {
                return Outcome.FULL;
            }
            record = addRecord(user, channelId);
        }
        if (!live)
        {
            records.setFlags(record, records.flags(record) & ~RecordTable.DELETED);
            readStates++;
        }
        records.set(record, newLastRead, newMentions, version);
        markDirty(user, record);
        return Outcome.CHANGED;
    }

    @Override
    public Outcome delete(final long userId, final long channelId)
    {
        final int user = users.find(userId);
        if (user == NIL)
        {
            return Outcome.NOT_RESIDENT;
        }
        users.touch(user);
        final int record = records.find(user, userId, channelId);
        if (record == NIL || records.isDeleted(record))
        {
            return Outcome.UNCHANGED;
        }
        tombstone(user, record);
        return Outcome.CHANGED;
    }

    @Override
    public Outcome deleteUser(final long userId)
    {
        final int user = users.find(userId);
        if (user == NIL)
        {
            return Outcome.NOT_RESIDENT;
        }
        users.touch(user);
        // All or nothing: a record that can change no more refuses the whole deletion before any of it.
        for (int r = users.head(user); r != NIL; r = records.next(r))
        {
            if (!records.isDeleted(r))
            {
                ReadStateRules.nextVersion(records.version(r));
            }
        }
        boolean deleted = false;
        for (int r = users.head(user); r != NIL; r = records.next(r))
        {
            if (!records.isDeleted(r))
            {
                tombstone(user, r);
                deleted = true;
            }
        }
        return deleted ? Outcome.CHANGED : Outcome.UNCHANGED;
    }

    /** A deletion is kept as a dirty record until written, so that the removal reaches durable storage. */
    private void tombstone(final int user, final int record)
    {
        final long version = ReadStateRules.nextVersion(records.version(record));
        records.setFlags(record, records.flags(record) | RecordTable.DELETED);
        records.set(record, 0, 0, version);
        readStates--;
        markDirty(user, record);
    }

    // ---------------------------------------------------------------------------------------------
    // Residency
    // ---------------------------------------------------------------------------------------------

    @Override
    public Outcome install(final long userId, final LoadedUser states)
    {
        if (users.find(userId) != NIL)
        {
            return Outcome.UNCHANGED;
        }
        if (!makeRoom(states.size(), 1, NIL))
        {
            return Outcome.FULL;
        }
        final int user = users.add(userId);
        for (int i = 0, size = states.size(); i < size; i++)
        {
            final long channelId = states.channelId(i);
            int record = records.find(user, userId, channelId);
            if (record == NIL)
            {
                record = addRecord(user, channelId);
                readStates++;
            }
            records.set(record, states.lastReadMessageId(i), states.mentionCount(i), states.version(i));
        }
        return Outcome.CHANGED;
    }

    @Override
    public boolean evict(final long userId)
    {
        final int user = users.find(userId);
        if (user == NIL || !users.isClean(user))
        {
            return false;
        }
        removeCleanUser(user);
        return true;
    }

    @Override
    public boolean canAdd(final long[] userIds, final int recordsNeeded)
    {
        long keptClean = 0;
        for (int i = 0; i < userIds.length; i++)
        {
            final int user = users.find(userIds[i]);
            if (user == NIL)
            {
                return false;
            }
            if (users.isClean(user) && !seenBefore(userIds, i))
            {
                keptClean += users.records(user);
            }
        }
        return records.capacity() - records.used() + users.cleanRecords() - keptClean >= recordsNeeded;
    }

    private static boolean seenBefore(final long[] ids, final int index)
    {
        for (int i = 0; i < index; i++)
        {
            if (ids[i] == ids[index])
            {
                return true;
            }
        }
        return false;
    }

    /** @return true if the free slots, with those of every clean user but {@code keep}, suffice. */
    private boolean roomPossible(final int recordsNeeded, final int usersNeeded, final int keep)
    {
        final int freeRecords = records.capacity() - records.used();
        final int freeUsers = users.capacity() - users.resident();
        if (freeRecords >= recordsNeeded && freeUsers >= usersNeeded)
        {
            return true;
        }
        final boolean keepIsClean = keep != NIL && users.isClean(keep);
        final long evictableRecords = users.cleanRecords() - (keepIsClean ? users.records(keep) : 0);
        final int evictableUsers = users.cleanUsers() - (keepIsClean ? 1 : 0);
        return freeRecords + evictableRecords >= recordsNeeded && freeUsers + evictableUsers >= usersNeeded;
    }

    /**
     * Evicts clean users, least recently used first and never {@code keep}, until the free slots
     * suffice. Evicts nothing and answers false when even evicting every candidate would not.
     */
    private boolean makeRoom(final int recordsNeeded, final int usersNeeded, final int keep)
    {
        if (!roomPossible(recordsNeeded, usersNeeded, keep))
        {
            return false;
        }
        while (records.capacity() - records.used() < recordsNeeded || users.capacity() - users.resident() < usersNeeded)
        {
            removeCleanUser(users.leastRecentlyUsed(keep));
        }
        return true;
    }

    private void removeCleanUser(final int user)
    {
        // Removing a record may move the user's others (see RecordTable), so the list is read afresh each time.
        for (int r = users.head(user); r != NIL; r = users.head(user))
        {
            users.setHead(user, records.next(r));
            records.remove(r);
        }
        readStates -= users.records(user);
        users.removeClean(user);
        evictions++;
    }

    // ---------------------------------------------------------------------------------------------
    // Write-behind
    // ---------------------------------------------------------------------------------------------

    @Override
    public int collectDirty(final int max, final DirtyRecordVisitor visitor)
    {
        final RecordTable records = this.records;
        int visited = 0;
        for (int u = users.firstDirty(); u != NIL && visited < max; u = users.next(u))
        {
            final long userId = users.userId(u);
            // Each record is a random line of memory: stop at the user's last dirty one, not at the end of its list.
            int left = users.dirty(u);
            for (int r = users.head(u); left > 0 && visited < max; r = records.next(r))
            {
                final int flags = records.flags(r);
                if ((flags & RecordTable.DIRTY) != 0)
                {
                    visitor.accept(userId, records.channelId(r), records.lastRead(r), records.mentions(r),
                        records.version(r), (flags & RecordTable.DELETED) != 0);
                    visited++;
                    left--;
                }
            }
        }
        return visited;
    }

    @Override
    public boolean markClean(final long userId, final long channelId, final long version)
    {
        final int user = users.find(userId);
        final int record = user == NIL ? NIL : records.find(user, userId, channelId);
        if (record == NIL)
        {
            return false;
        }
        final int flags = records.flags(record);
        if ((flags & RecordTable.DIRTY) == 0 || records.version(record) != version)
        {
            return false;
        }
        records.setFlags(record, flags & ~RecordTable.DIRTY);
        dirtyRecords--;
        if ((flags & RecordTable.DELETED) != 0)
        {
            removeRecord(user, record);
        }
        users.recordCleaned(user);
        return true;
    }

    private void markDirty(final int user, final int record)
    {
        final int flags = records.flags(record);
        if ((flags & RecordTable.DIRTY) == 0)
        {
            records.setFlags(record, flags | RecordTable.DIRTY);
            dirtyRecords++;
            users.recordDirtied(user);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Records of a user
    // ---------------------------------------------------------------------------------------------

    private int addRecord(final int user, final long channelId)
    {
        final int record = records.add(user, users.userId(user), channelId, users.head(user));
        users.setHead(user, record);
        users.addRecords(user, 1);
        return record;
    }

    /** Forgets a written deletion. Walks the user's list: deletions are rare, lookups are not. */
    private void removeRecord(final int user, final int record)
    {
        final int next = records.next(record);
        int r = users.head(user);
        if (r == record)
        {
            users.setHead(user, next);
        }
        else
        {
            while (records.next(r) != record)
            {
                r = records.next(r);
            }
            records.setNext(r, next);
        }
        users.addRecords(user, -1);
        records.remove(record);
    }

    // ---------------------------------------------------------------------------------------------
    // Counters
    // ---------------------------------------------------------------------------------------------

    @Override
    public void forEachUser(final java.util.function.LongConsumer visitor)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            for (int u = pass == 0 ? users.firstDirty() : users.firstClean(); u != NIL; u = users.next(u))
            {
                visitor.accept(users.userId(u));
            }
        }
    }

    @Override
    public int residentUsers()
    {
        return users.resident();
    }

    @Override
    public long readStates()
    {
        return readStates;
    }

    @Override
    public long dirtyRecords()
    {
        return dirtyRecords;
    }

    @Override
    public long evictions()
    {
        return evictions;
    }

    @Override
    public int recordCapacity()
    {
        return records.capacity();
    }

    @Override
    public int userCapacity()
    {
        return users.capacity();
    }

    /**
     * Walks every structure and checks that they agree: the tables' own links, free lists and indexes,
     * and for every resident user its records (each indexed, naming the user, counted) against the
     * store's counters. Costs a walk of everything: for tests.
     */
    @Override
    public void checkInvariants()
    {
        records.checkInvariants();
        users.checkInvariants();
        long recordCount = 0;
        long live = 0;
        long dirty = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int u = pass == 0 ? users.firstDirty() : users.firstClean(); u != NIL; u = users.next(u))
            {
                final long userId = users.userId(u);
                int count = 0;
                int dirtyOfUser = 0;
                for (int r = users.head(u); r != NIL; r = records.next(r))
                {
                    if (records.userSlot(r) != u)
                    {
                        throw new IllegalStateException("record " + r + " is on the list of user slot " + u +
                            " but names slot " + records.userSlot(r));
                    }
                    if (records.find(u, userId, records.channelId(r)) != r)
                    {
                        throw new IllegalStateException("record " + r + " is not found through the index");
                    }
                    if (++count > records.capacity())
                    {
                        throw new IllegalStateException("the record list of user slot " + u + " loops");
                    }
                    live += records.isDeleted(r) ? 0 : 1;
                    dirtyOfUser += (records.flags(r) & RecordTable.DIRTY) != 0 ? 1 : 0;
                }
                if (count != users.records(u) || dirtyOfUser != users.dirty(u))
                {
                    throw new IllegalStateException("user slot " + u + " has " + count + " records, " + dirtyOfUser +
                        " dirty, but counts " + users.records(u) + " and " + users.dirty(u));
                }
                recordCount += count;
                dirty += dirtyOfUser;
            }
        }
        if (recordCount != records.used() || live != readStates || dirty != dirtyRecords)
        {
            throw new IllegalStateException("users hold " + recordCount + " records, " + live + " live, " + dirty +
                " dirty; the counters say " + records.used() + ", " + readStates + ", " + dirtyRecords);
        }
    }

    @Override
    public void close()
    {
        records.close();
        users.close();
    }
}
