package io.readstates.store;

import io.readstates.domain.Snowflake;

/**
 * The read-state store of a shard: fixed-size records in native memory, found through open-addressing
 * indexes, with no Java object per record or per user, so the garbage collector has nothing to trace
 * however many read states are held, and no operation allocates.
 *
 * <p><b>Sizing.</b> All memory is reserved when the store is built, for a fixed number of record and
 * user slots derived from a byte budget; nothing ever grows or rehashes, so no operation pays for the
 * size of the table. Pages of record and user slots that were never used are not committed by the
 * operating system; the indexes are zeroed, and so committed, up front.
 *
 * <p><b>Layout.</b> A user slot holds the user id, the head of a singly linked list of its records,
 * counts, and the links of whichever list it is on: the LRU list of clean users or the list of dirty
 * users. A record slot holds the channel id, lastRead, version, mentions, its user's slot (so the
 * record index is keyed by (user slot, channel) and needs no second copy of the user id), the next
 * record of the same user, and flags. Free slots are chained through the same link fields.
 */
public final class OffHeapReadStateStore implements ReadStateStore
{
    /** Bytes per record slot. */
    public static final int RECORD_BYTES = 48;
    /** Bytes per user slot. */
    public static final int USER_BYTES = 32;
    /** Records a user slot is reserved for by default; more users than that share the record slots. */
    public static final int DEFAULT_RECORDS_PER_USER = 4;

    private static final double LOAD_FACTOR = 0.75;
    private static final int NIL = -1;

    private static final int R_USER_ID = 0;
    private static final int R_CHANNEL = 8;
    private static final int R_LAST_READ = 16;
    private static final int R_VERSION = 24;
    private static final int R_MENTIONS = 32;
    private static final int R_USER = 36;
    private static final int R_NEXT = 40;
    private static final int R_FLAGS = 44;
    /** Uses of users not yet applied to the LRU list; see {@link #touch}. */
    private static final int RECENT_USES = 256;
    private static final int DIRTY = 1;
    private static final int DELETED = 2;

    private static final int U_ID = 0;
    private static final int U_HEAD = 8;
    private static final int U_COUNT = 12;
    private static final int U_PREV = 16;
    private static final int U_NEXT = 20;
    private static final int U_DIRTY = 24;

    private static final int CLEAN = 0;
    private static final int DIRTY_USERS = 2;

    private static final int ACK = 0;
    private static final int MANUAL_ACK = 1;
    private static final int MENTION = 2;

    private final OffHeapArray records;
    private final OffHeapArray users;
    private final OffHeapIndex recordIndex;
    private final OffHeapIndex userIndex;
    private final OffHeapIndex.SlotHash recordHash = this::recordHashOf;
    private final OffHeapIndex.SlotHash userHash = this::userHashOf;
    private final int recordCapacity;
    private final int userCapacity;

    private final int[] recentUses = new int[RECENT_USES];
    private int recentCount;

    private int recordHighWater;
    private int freeRecord = NIL;
    private int userHighWater;
    private int freeUser = NIL;

    /** Head and tail of the two user lists: clean users most recently used first, and dirty users. */
    private final int[] ends = {NIL, NIL, NIL, NIL};

    private int residentUsers;
    private int cleanUsers;
    private int usedRecords;
    private int cleanRecords;
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
        final double perRecord = slotBytes(RECORD_BYTES) + slotBytes(USER_BYTES) / recordsPerUser;
        final long recordSlots = (long)(capacityBytes / perRecord);
        if (recordSlots < 1 || recordSlots > OffHeapIndex.MAX_SLOTS)
        {
            throw new IllegalArgumentException(
                "capacity of " + capacityBytes + " bytes is out of range: one read state takes about " +
                Math.round(perRecord) + " bytes, and at most " + OffHeapIndex.MAX_SLOTS + " fit in one store");
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
        this.recordCapacity = recordCapacity;
        this.userCapacity = userCapacity;
        this.records = new OffHeapArray(recordCapacity, RECORD_BYTES, false);
        this.users = new OffHeapArray(userCapacity, USER_BYTES, false);
        this.recordIndex = new OffHeapIndex(recordCapacity, LOAD_FACTOR);
        this.userIndex = new OffHeapIndex(userCapacity, LOAD_FACTOR);
    }

    private static double slotBytes(final int bytes)
    {
        return bytes + Integer.BYTES / LOAD_FACTOR;
    }

    /** @return the native memory this store holds, indexes included. */
    public long memoryBytes()
    {
        return records.bytes() + users.bytes() + recordIndex.bytes() + userIndex.bytes();
    }

    // ---------------------------------------------------------------------------------------------
    // Queries
    // ---------------------------------------------------------------------------------------------

    @Override
    public boolean isResident(final long userId)
    {
        return findUser(userId) != NIL;
    }

    @Override
    public boolean get(final long userId, final long channelId, final ReadState into)
    {
        final int record = findRecord(userId, channelId);
        if (record == NIL)
        {
            final int user = findUser(userId);
            if (user != NIL)
            {
                touch(user);
            }
            return false;
        }
        touch(records.getInt(record, R_USER));
        if (isDeleted(record))
        {
            return false;
        }
        into.set(channelId, records.getLong(record, R_LAST_READ), records.getInt(record, R_MENTIONS),
            records.getLong(record, R_VERSION));
        return true;
    }

    @Override
    public int forEach(final long userId, final ReadStateVisitor visitor)
    {
        final int user = findUser(userId);
        if (user == NIL)
        {
            return -1;
        }
        touch(user);
        final OffHeapArray records = this.records;
        int visited = 0;
        for (int r = users.getInt(user, U_HEAD); r != NIL; r = records.getInt(r, R_NEXT))
        {
            if (!isDeleted(r))
            {
                visitor.accept(records.getLong(r, R_CHANNEL), records.getLong(r, R_LAST_READ),
                    records.getInt(r, R_MENTIONS), records.getLong(r, R_VERSION));
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

    private Outcome change(final long userId, final long channelId, final int op, final long messageId, final int count)
    {
        int record = findRecord(userId, channelId);
        final int user = record != NIL ? records.getInt(record, R_USER) : findUser(userId);
        if (user == NIL)
        {
            return Outcome.NOT_RESIDENT;
        }
        touch(user);
        final boolean live = record != NIL && !isDeleted(record);
        final long lastRead = live ? records.getLong(record, R_LAST_READ) : 0;
        final int mentions = live ? records.getInt(record, R_MENTIONS) : 0;

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
            default:
                newLastRead = lastRead;
                newMentions = ReadStateRules.isAfter(messageId, lastRead) ? ReadStateRules.plusOne(mentions) : mentions;
                break;
        }
        if (newLastRead == lastRead && newMentions == mentions)
        {
            return Outcome.UNCHANGED;
        }

        final long version;
        if (record == NIL)
        {
            record = insertRecord(user, channelId);
            if (record == NIL)
            {
                return Outcome.FULL;
            }
            version = 1;
        }
        else
        {
            version = records.getLong(record, R_VERSION) + 1;
        }
        if (!live)
        {
            records.putInt(record, R_FLAGS, records.getInt(record, R_FLAGS) & ~DELETED);
            readStates++;
        }
        records.putLong(record, R_LAST_READ, newLastRead);
        records.putInt(record, R_MENTIONS, newMentions);
        records.putLong(record, R_VERSION, version);
        markDirty(user, record);
        return Outcome.CHANGED;
    }

    @Override
    public Outcome delete(final long userId, final long channelId)
    {
        final int user = findUser(userId);
        if (user == NIL)
        {
            return Outcome.NOT_RESIDENT;
        }
        touch(user);
        final int record = findRecord(userId, channelId);
        if (record == NIL || isDeleted(record))
        {
            return Outcome.UNCHANGED;
        }
        tombstone(user, record);
        return Outcome.CHANGED;
    }

    @Override
    public Outcome deleteUser(final long userId)
    {
        final int user = findUser(userId);
        if (user == NIL)
        {
            return Outcome.NOT_RESIDENT;
        }
        touch(user);
        boolean deleted = false;
        for (int r = users.getInt(user, U_HEAD); r != NIL; r = records.getInt(r, R_NEXT))
        {
            if (!isDeleted(r))
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
        records.putInt(record, R_FLAGS, records.getInt(record, R_FLAGS) | DELETED);
        records.putLong(record, R_LAST_READ, 0);
        records.putInt(record, R_MENTIONS, 0);
        records.putLong(record, R_VERSION, records.getLong(record, R_VERSION) + 1);
        readStates--;
        markDirty(user, record);
    }

    // ---------------------------------------------------------------------------------------------
    // Residency
    // ---------------------------------------------------------------------------------------------

    @Override
    public Outcome install(final long userId, final LoadedUser states)
    {
        if (findUser(userId) != NIL)
        {
            return Outcome.UNCHANGED;
        }
        if (!makeRoom(states.size(), 1, NIL))
        {
            return Outcome.FULL;
        }
        applyUses();
        final int user = allocateUser();
        users.putLong(user, U_ID, userId);
        users.putInt(user, U_HEAD, NIL);
        users.putInt(user, U_COUNT, 0);
        users.putInt(user, U_DIRTY, 0);
        userIndex.insert(Snowflake.mix(userId), user);
        residentUsers++;
        for (int i = 0, size = states.size(); i < size; i++)
        {
            final long channelId = states.channelId(i);
            int record = findRecord(userId, channelId);
            if (record == NIL)
            {
                record = linkNewRecord(user, channelId);
                readStates++;
            }
            records.putLong(record, R_LAST_READ, states.lastReadMessageId(i));
            records.putInt(record, R_MENTIONS, states.mentionCount(i));
            records.putLong(record, R_VERSION, states.version(i));
        }
        pushClean(user);
        return Outcome.CHANGED;
    }

    @Override
    public boolean evict(final long userId)
    {
        final int user = findUser(userId);
        if (user == NIL || users.getInt(user, U_DIRTY) != 0)
        {
            return false;
        }
        applyUses();
        removeCleanUser(user);
        return true;
    }

    /**
     * Evicts clean users, least recently used first and never {@code keep}, until the free slots
     * suffice. Evicts nothing and answers false when even evicting every candidate would not.
     */
    private boolean makeRoom(final int recordsNeeded, final int usersNeeded, final int keep)
    {
        if (recordCapacity - usedRecords >= recordsNeeded && userCapacity - residentUsers >= usersNeeded)
        {
            return true;
        }
        final boolean keepIsClean = keep != NIL && users.getInt(keep, U_DIRTY) == 0;
        final long evictableRecords = cleanRecords - (keepIsClean ? users.getInt(keep, U_COUNT) : 0);
        final int evictableUsers = cleanUsers - (keepIsClean ? 1 : 0);
        if (recordCapacity - usedRecords + evictableRecords < recordsNeeded ||
            userCapacity - residentUsers + evictableUsers < usersNeeded)
        {
            return false;
        }
        applyUses();
        while (recordCapacity - usedRecords < recordsNeeded || userCapacity - residentUsers < usersNeeded)
        {
            final int tail = ends[CLEAN + 1];
            final int victim = tail != keep ? tail : users.getInt(tail, U_PREV);
            removeCleanUser(victim);
        }
        return true;
    }

    private void removeCleanUser(final int user)
    {
        final int count = users.getInt(user, U_COUNT);
        int r = users.getInt(user, U_HEAD);
        while (r != NIL)
        {
            final int next = records.getInt(r, R_NEXT);
            removeFromRecordIndex(r);
            freeRecord(r);
            r = next;
        }
        readStates -= count;
        usedRecords -= count;
        cleanRecords -= count;
        cleanUsers--;
        unlink(CLEAN, user);
        removeFromUserIndex(users.getLong(user, U_ID));
        freeUser(user);
        residentUsers--;
        evictions++;
    }

    // ---------------------------------------------------------------------------------------------
    // Write-behind
    // ---------------------------------------------------------------------------------------------

    @Override
    public int collectDirty(final int max, final DirtyRecordVisitor visitor)
    {
        final OffHeapArray records = this.records;
        int visited = 0;
        for (int u = ends[DIRTY_USERS]; u != NIL && visited < max; u = users.getInt(u, U_NEXT))
        {
            final long userId = users.getLong(u, U_ID);
            for (int r = users.getInt(u, U_HEAD); r != NIL && visited < max; r = records.getInt(r, R_NEXT))
            {
                final int flags = records.getInt(r, R_FLAGS);
                if ((flags & DIRTY) != 0)
                {
                    visitor.accept(userId, records.getLong(r, R_CHANNEL), records.getLong(r, R_LAST_READ),
                        records.getInt(r, R_MENTIONS), records.getLong(r, R_VERSION), (flags & DELETED) != 0);
                    visited++;
                }
            }
        }
        return visited;
    }

    @Override
    public boolean markClean(final long userId, final long channelId, final long version)
    {
        final int user = findUser(userId);
        if (user == NIL)
        {
            return false;
        }
        final int record = findRecord(userId, channelId);
        if (record == NIL)
        {
            return false;
        }
        final int flags = records.getInt(record, R_FLAGS);
        if ((flags & DIRTY) == 0 || records.getLong(record, R_VERSION) != version)
        {
            return false;
        }
        records.putInt(record, R_FLAGS, flags & ~DIRTY);
        dirtyRecords--;
        if ((flags & DELETED) != 0)
        {
            unlinkRecord(user, record);
        }
        final int dirty = users.getInt(user, U_DIRTY) - 1;
        if (dirty == 0)
        {
            applyUses();
        }
        users.putInt(user, U_DIRTY, dirty);
        if (dirty == 0)
        {
            unlink(DIRTY_USERS, user);
            pushClean(user);
        }
        return true;
    }

    private void markDirty(final int user, final int record)
    {
        final int flags = records.getInt(record, R_FLAGS);
        if ((flags & DIRTY) != 0)
        {
            return;
        }
        records.putInt(record, R_FLAGS, flags | DIRTY);
        dirtyRecords++;
        final int dirty = users.getInt(user, U_DIRTY);
        if (dirty == 0)
        {
            applyUses();
        }
        users.putInt(user, U_DIRTY, dirty + 1);
        if (dirty == 0)
        {
            unlink(CLEAN, user);
            cleanUsers--;
            cleanRecords -= users.getInt(user, U_COUNT);
            linkTail(DIRTY_USERS, user);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Counters
    // ---------------------------------------------------------------------------------------------

    @Override
    public int residentUsers()
    {
        return residentUsers;
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
        return recordCapacity;
    }

    @Override
    public int userCapacity()
    {
        return userCapacity;
    }

    @Override
    public void close()
    {
        records.close();
        users.close();
        recordIndex.close();
        userIndex.close();
    }

    // ---------------------------------------------------------------------------------------------
    // Records
    // ---------------------------------------------------------------------------------------------

    private boolean isDeleted(final int record)
    {
        return (records.getInt(record, R_FLAGS) & DELETED) != 0;
    }

    /** A new, empty record for a resident user, evicting others if needed; NIL if there is no room. */
    private int insertRecord(final int user, final long channelId)
    {
        if (!makeRoom(1, 0, user))
        {
            return NIL;
        }
        final int record = linkNewRecord(user, channelId);
        if (users.getInt(user, U_DIRTY) == 0)
        {
            cleanRecords++;
        }
        return record;
    }

    private int linkNewRecord(final int user, final long channelId)
    {
        final int record = allocateRecord();
        final long userId = users.getLong(user, U_ID);
        records.putLong(record, R_USER_ID, userId);
        records.putLong(record, R_CHANNEL, channelId);
        records.putLong(record, R_LAST_READ, 0);
        records.putInt(record, R_MENTIONS, 0);
        records.putLong(record, R_VERSION, 0);
        records.putInt(record, R_USER, user);
        records.putInt(record, R_FLAGS, 0);
        records.putInt(record, R_NEXT, users.getInt(user, U_HEAD));
        users.putInt(user, U_HEAD, record);
        users.putInt(user, U_COUNT, users.getInt(user, U_COUNT) + 1);
        recordIndex.insert(recordHash(userId, channelId), record);
        usedRecords++;
        return record;
    }

    /** Forgets a written deletion. Walks the user's list: deletions are rare, lookups are not. */
    private void unlinkRecord(final int user, final int record)
    {
        final int next = records.getInt(record, R_NEXT);
        int r = users.getInt(user, U_HEAD);
        if (r == record)
        {
            users.putInt(user, U_HEAD, next);
        }
        else
        {
            while (records.getInt(r, R_NEXT) != record)
            {
                r = records.getInt(r, R_NEXT);
            }
            records.putInt(r, R_NEXT, next);
        }
        users.putInt(user, U_COUNT, users.getInt(user, U_COUNT) - 1);
        removeFromRecordIndex(record);
        freeRecord(record);
        usedRecords--;
    }

    private int allocateRecord()
    {
        if (freeRecord != NIL)
        {
            final int record = freeRecord;
            freeRecord = records.getInt(record, R_NEXT);
            return record;
        }
        return recordHighWater++;
    }

    private void freeRecord(final int record)
    {
        records.putInt(record, R_NEXT, freeRecord);
        freeRecord = record;
    }

    /**
     * Records are indexed by (user id, channel id), so an operation on an existing record needs no
     * lookup in the user index: the record names its user's slot, which the LRU touches anyway.
     */
    private int findRecord(final long userId, final long channelId)
    {
        final OffHeapIndex index = recordIndex;
        final OffHeapArray records = this.records;
        final long hash = recordHash(userId, channelId);
        for (int b = index.home(hash); ; b = index.next(b))
        {
            final int r = index.candidate(b, hash);
            if (r == OffHeapIndex.END)
            {
                return NIL;
            }
            if (r != OffHeapIndex.OTHER && records.getLong(r, R_CHANNEL) == channelId && records.getLong(r, R_USER_ID) == userId)
            {
                return r;
            }
        }
    }

    private void removeFromRecordIndex(final int record)
    {
        final OffHeapIndex index = recordIndex;
        for (int b = index.home(recordHashOf(record)); ; b = index.next(b))
        {
            if (index.slotAt(b) == record)
            {
                index.removeAt(b, recordHash);
                return;
            }
        }
    }

    private long recordHashOf(final int record)
    {
        return recordHash(records.getLong(record, R_USER_ID), records.getLong(record, R_CHANNEL));
    }

    private static long recordHash(final long userId, final long channelId)
    {
        return Snowflake.mix(channelId * 0x9E3779B97F4A7C15L + userId);
    }

    // ---------------------------------------------------------------------------------------------
    // Users and their lists
    // ---------------------------------------------------------------------------------------------

    private int findUser(final long userId)
    {
        final OffHeapIndex index = userIndex;
        final long hash = Snowflake.mix(userId);
        for (int b = index.home(hash); ; b = index.next(b))
        {
            final int u = index.candidate(b, hash);
            if (u == OffHeapIndex.END)
            {
                return NIL;
            }
            if (u != OffHeapIndex.OTHER && users.getLong(u, U_ID) == userId)
            {
                return u;
            }
        }
    }

    private void removeFromUserIndex(final long userId)
    {
        final OffHeapIndex index = userIndex;
        for (int b = index.home(Snowflake.mix(userId)); ; b = index.next(b))
        {
            if (users.getLong(index.slotAt(b), U_ID) == userId)
            {
                index.removeAt(b, userHash);
                return;
            }
        }
    }

    private long userHashOf(final int user)
    {
        return Snowflake.mix(users.getLong(user, U_ID));
    }

    private int allocateUser()
    {
        if (freeUser != NIL)
        {
            final int user = freeUser;
            freeUser = users.getInt(user, U_NEXT);
            return user;
        }
        return userHighWater++;
    }

    private void freeUser(final int user)
    {
        users.putInt(user, U_NEXT, freeUser);
        freeUser = user;
    }

    /**
     * A use: a clean user moves to the most recently used end; dirty users are not on the LRU list.
     *
     * <p>Moving a user means writing to its slot and to its neighbours', cache misses that a lookup
     * would otherwise not pay. So a use is only noted here, and the notes are applied in order, which
     * gives exactly the same list, whenever the order is about to matter: before an eviction and
     * before a user joins or leaves a list.
     */
    private void touch(final int user)
    {
        final int count = recentCount;
        if (count > 0 && recentUses[count - 1] == user)
        {
            return;
        }
        if (count == RECENT_USES)
        {
            applyUses();
        }
        recentUses[recentCount++] = user;
    }

    private void applyUses()
    {
        final int[] uses = recentUses;
        for (int i = 0, count = recentCount; i < count; i++)
        {
            final int user = uses[i];
            if (user != ends[CLEAN] && users.getInt(user, U_DIRTY) == 0)
            {
                unlink(CLEAN, user);
                linkHead(CLEAN, user);
            }
        }
        recentCount = 0;
    }

    /** Adds a user that is on no list to the clean list as the most recently used. */
    private void pushClean(final int user)
    {
        linkHead(CLEAN, user);
        cleanUsers++;
        cleanRecords += users.getInt(user, U_COUNT);
    }

    private void linkHead(final int list, final int user)
    {
        final int head = ends[list];
        users.putInt(user, U_PREV, NIL);
        users.putInt(user, U_NEXT, head);
        if (head != NIL)
        {
            users.putInt(head, U_PREV, user);
        }
        else
        {
            ends[list + 1] = user;
        }
        ends[list] = user;
    }

    private void linkTail(final int list, final int user)
    {
        final int tail = ends[list + 1];
        users.putInt(user, U_PREV, tail);
        users.putInt(user, U_NEXT, NIL);
        if (tail != NIL)
        {
            users.putInt(tail, U_NEXT, user);
        }
        else
        {
            ends[list] = user;
        }
        ends[list + 1] = user;
    }

    private void unlink(final int list, final int user)
    {
        final int prev = users.getInt(user, U_PREV);
        final int next = users.getInt(user, U_NEXT);
        if (prev != NIL)
        {
            users.putInt(prev, U_NEXT, next);
        }
        else
        {
            ends[list] = next;
        }
        if (next != NIL)
        {
            users.putInt(next, U_PREV, prev);
        }
        else
        {
            ends[list + 1] = prev;
        }
    }
}
