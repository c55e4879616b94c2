package io.readstates.store.onheap;

import io.readstates.store.DirtyRecordVisitor;
import io.readstates.store.LoadedUser;
import io.readstates.store.Outcome;
import io.readstates.store.ReadState;
import io.readstates.store.ReadStateRules;
import io.readstates.store.ReadStateStore;
import io.readstates.store.ReadStateVisitor;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The baseline that the off-heap store replaces: the same contract built from ordinary Java
 * objects, a {@code HashMap} of record objects per user and a {@code LinkedHashMap} LRU of users. Every
 * record is several heap objects that the garbage collector must trace, and most operations box their
 * keys. It exists to be measured against, not to be deployed.
 */
public final class OnHeapReadStateStore implements ReadStateStore
{
    /**
     * Retained heap per read state, users included, as {@code MemoryFootprint} measured it at 8,000,000
     * read states (8 per user) on a 64-bit JVM with compressed oops. Used only to turn a byte budget into
     * a slot count comparable to the off-heap store's.
     */
    public static final int ESTIMATED_RECORD_BYTES = 141;

    private static final class Record
    {
        long lastRead;
        int mentions;
        long version;
        boolean dirty;
        boolean deleted;
    }

    private static final class User
    {
        final long id;
        final HashMap<Long, Record> records = new HashMap<>();
        int dirty;

        User(final long id)
        {
            this.id = id;
        }
    }

    private final HashMap<Long, User> resident = new HashMap<>();
    /** Clean users in access order: iteration starts at the least recently used. */
    private final LinkedHashMap<Long, User> clean = new LinkedHashMap<>(16, 0.75f, true);
    /** Dirty users in the order they became dirty. */
    private final LinkedHashMap<Long, User> dirty = new LinkedHashMap<>();
    private final int recordCapacity;
    private final int userCapacity;
    private int usedRecords;
    private long cleanRecords;
    private long readStates;
    private long dirtyRecords;
    private long evictions;

    /** A store of about {@code capacityBytes} of heap, with one user slot per {@code recordsPerUser} records. */
    public static OnHeapReadStateStore withCapacityBytes(final long capacityBytes, final int recordsPerUser)
    {
        final long records = capacityBytes / ESTIMATED_RECORD_BYTES;
        if (records < 1 || records > Integer.MAX_VALUE / 2)
        {
            throw new IllegalArgumentException("capacity of " + capacityBytes + " bytes is out of range");
        }
        return new OnHeapReadStateStore((int)records, (int)Math.max(1, records / recordsPerUser));
    }

    public OnHeapReadStateStore(final int recordCapacity, final int userCapacity)
    {
        if (recordCapacity < 1 || userCapacity < 1)
        {
            throw new IllegalArgumentException("capacities must be positive");
        }
        this.recordCapacity = recordCapacity;
        this.userCapacity = userCapacity;
    }

    @Override
    public boolean isResident(final long userId)
    {
        return resident.containsKey(userId);
    }

    @Override
    public Outcome install(final long userId, final LoadedUser states)
    {
        if (resident.containsKey(userId))
        {
            return Outcome.UNCHANGED;
        }
        if (!makeRoom(states.size(), 1, null))
        {
            return Outcome.FULL;
        }
        final User user = new User(userId);
        for (int i = 0; i < states.size(); i++)
        {
            final Record record = new Record();
            record.lastRead = states.lastReadMessageId(i);
            record.mentions = states.mentionCount(i);
            record.version = states.version(i);
            user.records.put(states.channelId(i), record);
        }
        resident.put(userId, user);
        clean.put(userId, user);
        usedRecords += user.records.size();
        cleanRecords += user.records.size();
        readStates += user.records.size();
        return Outcome.CHANGED;
    }

    @Override
    public boolean use(final long userId)
    {
        return used(userId) != null;
    }

    @Override
    public boolean get(final long userId, final long channelId, final ReadState into)
    {
        final User user = used(userId);
        if (user == null)
        {
            return false;
        }
        final Record record = user.records.get(channelId);
        if (record == null || record.deleted)
        {
            return false;
        }
        into.set(channelId, record.lastRead, record.mentions, record.version);
        return true;
    }

    @Override
    public int forEach(final long userId, final ReadStateVisitor visitor)
    {
        final User user = used(userId);
        if (user == null)
        {
            return -1;
        }
        int visited = 0;
        for (final Map.Entry<Long, Record> e : user.records.entrySet())
        {
            final Record r = e.getValue();
            if (!r.deleted)
            {
                visitor.accept(e.getKey(), r.lastRead, r.mentions, r.version);
                visited++;
            }
        }
        return visited;
    }

    @Override
    public Outcome ack(final long userId, final long channelId, final long messageId)
    {
        final User user = used(userId);
        if (user == null)
        {
            return Outcome.NOT_RESIDENT;
        }
        final Record r = live(user, channelId);
        return set(user, channelId, ReadStateRules.acked(r == null ? 0 : r.lastRead, messageId), 0);
    }

    @Override
    public Outcome manualAck(final long userId, final long channelId, final long messageId, final int mentionCount)
    {
        if (mentionCount < 0)
        {
            throw new IllegalArgumentException("mentionCount must not be negative: " + mentionCount);
        }
        final User user = used(userId);
        return user == null ? Outcome.NOT_RESIDENT : set(user, channelId, messageId, mentionCount);
    }

    @Override
    public Outcome mention(final long userId, final long channelId, final long messageId)
    {
        final User user = used(userId);
        if (user == null)
        {
            return Outcome.NOT_RESIDENT;
        }
        final Record r = live(user, channelId);
        final long lastRead = r == null ? 0 : r.lastRead;
        final int mentions = r == null ? 0 : r.mentions;
        if (!ReadStateRules.isAfter(messageId, lastRead))
        {
            return Outcome.UNCHANGED;
        }
        return set(user, channelId, lastRead, ReadStateRules.plusOne(mentions));
    }

    @Override
    public Outcome unmention(final long userId, final long channelId, final long messageId)
    {
        final User user = used(userId);
        final Record r = user == null ? null : live(user, channelId);
        if (r == null)
        {
            return user == null ? Outcome.NOT_RESIDENT : Outcome.UNCHANGED;
        }
        return set(user, channelId, r.lastRead, ReadStateRules.withoutMention(r.mentions, messageId, r.lastRead));
    }

    private Outcome set(final User user, final long channelId, final long lastRead, final int mentions)
    {
        Record r = user.records.get(channelId);
        final boolean live = r != null && !r.deleted;
        if (live ? r.lastRead == lastRead && r.mentions == mentions : lastRead == 0 && mentions == 0)
        {
            return Outcome.UNCHANGED;
        }
        final long version = ReadStateRules.nextVersion(r == null ? 0 : r.version);
        if (r == null)
        {
            if (!makeRoom(1, 0, user))
            {
                return Outcome.FULL;
            }
            r = new Record();
            user.records.put(channelId, r);
            usedRecords++;
            if (user.dirty == 0)
            {
                cleanRecords++;
            }
        }
        if (!live)
        {
            r.deleted = false;
            readStates++;
        }
        r.lastRead = lastRead;
        r.mentions = mentions;
        r.version = version;
        markDirty(user, r);
        return Outcome.CHANGED;
    }

    @Override
    public Outcome delete(final long userId, final long channelId)
    {
        final User user = used(userId);
        if (user == null)
        {
            return Outcome.NOT_RESIDENT;
        }
        final Record r = live(user, channelId);
        if (r == null)
        {
            return Outcome.UNCHANGED;
        }
        tombstone(user, r);
        return Outcome.CHANGED;
    }

    @Override
    public Outcome deleteUser(final long userId)
    {
        final User user = used(userId);
        if (user == null)
        {
            return Outcome.NOT_RESIDENT;
        }
        // All or nothing: a record that can change no more refuses the whole deletion before any of it.
        for (final Record r : user.records.values())
        {
            if (!r.deleted)
            {
                ReadStateRules.nextVersion(r.version);
            }
        }
        boolean deleted = false;
        for (final Record r : user.records.values())
        {
            if (!r.deleted)
            {
                tombstone(user, r);
                deleted = true;
            }
        }
        return deleted ? Outcome.CHANGED : Outcome.UNCHANGED;
    }

    private void tombstone(final User user, final Record r)
    {
        final long version = ReadStateRules.nextVersion(r.version);
        r.deleted = true;
        r.lastRead = 0;
        r.mentions = 0;
        r.version = version;
        readStates--;
        markDirty(user, r);
    }

    @Override
    public boolean evict(final long userId)
    {
        final User user = resident.get(userId);
        if (user == null || user.dirty != 0)
        {
            return false;
        }
        evictClean(user);
        return true;
    }

    @Override
    public int collectDirty(final int max, final DirtyRecordVisitor visitor)
    {
        int visited = 0;
        for (final User user : dirty.values())
        {
            for (final Map.Entry<Long, Record> e : user.records.entrySet())
            {
                if (visited == max)
                {
                    return visited;
                }
                final Record r = e.getValue();
                if (r.dirty)
                {
                    visitor.accept(user.id, e.getKey(), r.lastRead, r.mentions, r.version, r.deleted);
                    visited++;
                }
            }
        }
        return visited;
    }

    @Override
    public boolean markClean(final long userId, final long channelId, final long version)
    {
        final User user = resident.get(userId);
        final Record r = user == null ? null : user.records.get(channelId);
        if (r == null || !r.dirty || r.version != version)
        {
            return false;
        }
        r.dirty = false;
        dirtyRecords--;
        if (r.deleted)
        {
            user.records.remove(channelId);
            usedRecords--;
        }
        if (--user.dirty == 0)
        {
            dirty.remove(userId);
            clean.put(userId, user);
            cleanRecords += user.records.size();
        }
        return true;
    }

    @Override
    public void forEachUser(final java.util.function.LongConsumer visitor)
    {
        for (final long userId : resident.keySet())
        {
            visitor.accept(userId);
        }
    }

    @Override
    public int residentUsers()
    {
        return resident.size();
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
    public void checkInvariants()
    {
        long records = 0;
        long live = 0;
        long dirtyCount = 0;
        long recordsOfClean = 0;
        for (final User user : resident.values())
        {
            int dirtyOfUser = 0;
            for (final Record r : user.records.values())
            {
                live += r.deleted ? 0 : 1;
                dirtyOfUser += r.dirty ? 1 : 0;
            }
            if (dirtyOfUser != user.dirty || (user.dirty == 0) != clean.containsKey(user.id) ||
                (user.dirty > 0) != dirty.containsKey(user.id))
            {
                throw new IllegalStateException("user " + user.id + " counts " + user.dirty + " dirty records, has " +
                    dirtyOfUser + ", and is on the wrong list");
            }
            records += user.records.size();
            dirtyCount += dirtyOfUser;
            recordsOfClean += user.dirty == 0 ? user.records.size() : 0;
        }
        if (records != usedRecords || live != readStates || dirtyCount != dirtyRecords || recordsOfClean != cleanRecords ||
            clean.size() + dirty.size() != resident.size())
        {
            throw new IllegalStateException("the counters disagree with the users held");
        }
    }

    @Override
    public void close()
    {
        resident.clear();
        clean.clear();
        dirty.clear();
    }

    /** Looks a user up as a use: a clean user becomes the most recently used. */
    private User used(final long userId)
    {
        final User user = resident.get(userId);
        if (user != null && user.dirty == 0)
        {
            clean.get(userId);
        }
        return user;
    }

    private static Record live(final User user, final long channelId)
    {
        final Record r = user.records.get(channelId);
        return r == null || r.deleted ? null : r;
    }

    private void markDirty(final User user, final Record r)
    {
        if (r.dirty)
        {
            return;
        }
        r.dirty = true;
        dirtyRecords++;
        if (user.dirty++ == 0)
        {
            clean.remove(user.id);
            cleanRecords -= user.records.size();
            dirty.put(user.id, user);
        }
    }

    @Override
    public boolean canAdd(final long[] userIds, final int recordsNeeded)
    {
        final java.util.Set<User> kept = new java.util.HashSet<>();
        long keptClean = 0;
        for (final long userId : userIds)
        {
            final User user = resident.get(userId);
            if (user == null)
            {
                return false;
            }
            if (user.dirty == 0 && kept.add(user))
            {
                keptClean += user.records.size();
            }
        }
        return recordCapacity - usedRecords + cleanRecords - keptClean >= recordsNeeded;
    }

    private boolean roomPossible(final int recordsNeeded, final int usersNeeded, final User keep)
    {
        if (recordCapacity - usedRecords >= recordsNeeded && userCapacity - resident.size() >= usersNeeded)
        {
            return true;
        }
        final boolean keepIsClean = keep != null && keep.dirty == 0;
        final long evictableRecords = cleanRecords - (keepIsClean ? keep.records.size() : 0);
        final int evictableUsers = clean.size() - (keepIsClean ? 1 : 0);
        return recordCapacity - usedRecords + evictableRecords >= recordsNeeded &&
            userCapacity - resident.size() + evictableUsers >= usersNeeded;
    }

    private boolean makeRoom(final int recordsNeeded, final int usersNeeded, final User keep)
    {
        if (!roomPossible(recordsNeeded, usersNeeded, keep))
        {
            return false;
        }
        final Iterator<User> lru = clean.values().iterator();
        while (recordCapacity - usedRecords < recordsNeeded || userCapacity - resident.size() < usersNeeded)
        {
            final User victim = lru.next();
            if (victim != keep)
            {
                lru.remove();
                forget(victim);
            }
        }
        return true;
    }

    private void evictClean(final User user)
    {
        clean.remove(user.id);
        forget(user);
    }

    /** Drops a clean user that is already off the clean list. */
    private void forget(final User user)
    {
        resident.remove(user.id);
        usedRecords -= user.records.size();
        cleanRecords -= user.records.size();
        readStates -= user.records.size();
        evictions++;
    }
}
