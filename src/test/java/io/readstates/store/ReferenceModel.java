package io.readstates.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's contract written as plainly as possible, for the randomized test to compare against:
 * no indexes, no free lists, linear scans everywhere.
 */
final class ReferenceModel implements ReadStateStore
{
    static final class Rec
    {
        long lastRead;
        int mentions;
        long version;
        boolean dirty;
        boolean deleted;
    }

    private final Map<Long, TreeMap<Long, Rec>> users = new HashMap<>();
    /** Clean users, least recently used first. */
    private final List<Long> lru = new ArrayList<>();
    /** Dirty users, in the order they became dirty. */
    private final LinkedHashSet<Long> dirtyUsers = new LinkedHashSet<>();
    private final int recordCapacity;
    private final int userCapacity;
    private long evictions;

    ReferenceModel(final int recordCapacity, final int userCapacity)
    {
        this.recordCapacity = recordCapacity;
        this.userCapacity = userCapacity;
    }

    private int slotsUsed()
    {
        return users.values().stream().mapToInt(Map::size).sum();
    }

    private boolean isDirty(final long userId)
    {
        return users.get(userId).values().stream().anyMatch(r -> r.dirty);
    }

    private void noteUse(final long userId)
    {
        if (lru.remove(userId))
        {
            lru.add(userId);
        }
    }

    private void refreshLists(final long userId)
    {
        if (isDirty(userId))
        {
            lru.remove(userId);
            dirtyUsers.add(userId);
        }
        else if (dirtyUsers.remove(userId))
        {
            lru.add(userId);
        }
    }

    @Override
    public boolean canAdd(final long[] userIds, final int records)
    {
        final java.util.Set<Long> kept = new java.util.HashSet<>();
        for (final long userId : userIds)
        {
            if (!users.containsKey(userId))
            {
                return false;
            }
            kept.add(userId);
        }
        int possible = recordCapacity - slotsUsed();
        for (final Long c : lru)
        {
            possible += kept.contains(c) ? 0 : users.get(c).size();
        }
        return possible >= records;
    }

    private boolean makeRoom(final int records, final int newUsers, final Long keep)
    {
        final List<Long> candidates = new ArrayList<>(lru);
        candidates.remove(keep);
        int freeRecords = recordCapacity - slotsUsed();
        int freeUsers = userCapacity - users.size();
        int possibleRecords = freeRecords;
        for (final Long c : candidates)
        {
            possibleRecords += users.get(c).size();
        }
        if (possibleRecords < records || freeUsers + candidates.size() < newUsers)
        {
            return false;
        }
        for (final Long victim : candidates)
        {
            if (freeRecords >= records && freeUsers >= newUsers)
            {
                break;
            }
            freeRecords += users.remove(victim).size();
            freeUsers++;
            lru.remove(victim);
            evictions++;
        }
        return true;
    }

    @Override
    public boolean isResident(final long userId)
    {
        return users.containsKey(userId);
    }

    @Override
    public Outcome install(final long userId, final LoadedUser states)
    {
        if (users.containsKey(userId))
        {
            return Outcome.UNCHANGED;
        }
        if (!makeRoom(states.size(), 1, null))
        {
            return Outcome.FULL;
        }
        final TreeMap<Long, Rec> records = new TreeMap<>();
        for (int i = 0; i < states.size(); i++)
        {
            final Rec r = new Rec();
            r.lastRead = states.lastReadMessageId(i);
            r.mentions = states.mentionCount(i);
            r.version = states.version(i);
            records.put(states.channelId(i), r);
        }
        users.put(userId, records);
        lru.add(userId);
        return Outcome.CHANGED;
    }

    @Override
    public boolean use(final long userId)
    {
        if (!users.containsKey(userId))
        {
            return false;
        }
        noteUse(userId);
        return true;
    }

    @Override
    public boolean get(final long userId, final long channelId, final ReadState into)
    {
        if (!users.containsKey(userId))
        {
            return false;
        }
        noteUse(userId);
        final Rec r = users.get(userId).get(channelId);
        if (r == null || r.deleted)
        {
            return false;
        }
        into.set(channelId, r.lastRead, r.mentions, r.version);
        return true;
    }

    @Override
    public int forEach(final long userId, final ReadStateVisitor visitor)
    {
        if (!users.containsKey(userId))
        {
            return -1;
        }
        noteUse(userId);
        int n = 0;
        for (final Map.Entry<Long, Rec> e : users.get(userId).entrySet())
        {
            if (!e.getValue().deleted)
            {
                visitor.accept(e.getKey(), e.getValue().lastRead, e.getValue().mentions, e.getValue().version);
                n++;
            }
        }
        return n;
    }

    @Override
    public Outcome ack(final long userId, final long channelId, final long messageId)
    {
        final long[] now = current(userId, channelId);
        if (now == null)
        {
            return Outcome.NOT_RESIDENT;
        }
        final long lastRead = Long.compareUnsigned(messageId, now[0]) > 0 ? messageId : now[0];
        return write(userId, channelId, lastRead, 0);
    }

    @Override
    public Outcome manualAck(final long userId, final long channelId, final long messageId, final int mentionCount)
    {
        return current(userId, channelId) == null ? Outcome.NOT_RESIDENT : write(userId, channelId, messageId, mentionCount);
    }

    @Override
    public Outcome mention(final long userId, final long channelId, final long messageId)
    {
        final long[] now = current(userId, channelId);
        if (now == null)
        {
            return Outcome.NOT_RESIDENT;
        }
        if (Long.compareUnsigned(messageId, now[0]) <= 0)
        {
            return Outcome.UNCHANGED;
        }
        return write(userId, channelId, now[0], now[1] == Integer.MAX_VALUE ? Integer.MAX_VALUE : (int)now[1] + 1);
    }

    @Override
    public Outcome unmention(final long userId, final long channelId, final long messageId)
    {
        final long[] now = current(userId, channelId);
        if (now == null)
        {
            return Outcome.NOT_RESIDENT;
        }
        // Spelled out here rather than through ReadStateRules, so that the model checks the rule as well.
        final boolean unread = Long.compareUnsigned(messageId, now[0]) > 0;
        return write(userId, channelId, now[0], unread && now[1] > 0 ? (int)now[1] - 1 : (int)now[1]);
    }

    /** @return {lastRead, mentions} of the live record or zeros, after counting a use; null if not resident. */
    private long[] current(final long userId, final long channelId)
    {
        if (!users.containsKey(userId))
        {
            return null;
        }
        noteUse(userId);
        final Rec r = users.get(userId).get(channelId);
        return r == null || r.deleted ? new long[] {0, 0} : new long[] {r.lastRead, r.mentions};
    }

    private Outcome write(final long userId, final long channelId, final long lastRead, final int mentions)
    {
        final long[] now = current(userId, channelId);
        if (now[0] == lastRead && now[1] == mentions)
        {
            return Outcome.UNCHANGED;
        }
        Rec r = users.get(userId).get(channelId);
        if (r == null)
        {
            if (!makeRoom(1, 0, userId))
            {
                return Outcome.FULL;
            }
            r = new Rec();
            users.get(userId).put(channelId, r);
        }
        r.deleted = false;
        r.lastRead = lastRead;
        r.mentions = mentions;
        r.version++;
        r.dirty = true;
        refreshLists(userId);
        return Outcome.CHANGED;
    }

    @Override
    public Outcome delete(final long userId, final long channelId)
    {
        if (!users.containsKey(userId))
        {
            return Outcome.NOT_RESIDENT;
        }
        noteUse(userId);
        final Rec r = users.get(userId).get(channelId);
        if (r == null || r.deleted)
        {
            return Outcome.UNCHANGED;
        }
        tombstone(r);
        refreshLists(userId);
        return Outcome.CHANGED;
    }

    @Override
    public Outcome deleteUser(final long userId)
    {
        if (!users.containsKey(userId))
        {
            return Outcome.NOT_RESIDENT;
        }
        noteUse(userId);
        boolean any = false;
        for (final Rec r : users.get(userId).values())
        {
            if (!r.deleted)
            {
                tombstone(r);
                any = true;
            }
        }
        refreshLists(userId);
        return any ? Outcome.CHANGED : Outcome.UNCHANGED;
    }

    private static void tombstone(final Rec r)
    {
        r.deleted = true;
        r.lastRead = 0;
        r.mentions = 0;
        r.version++;
        r.dirty = true;
    }

    @Override
    public boolean evict(final long userId)
    {
        if (!users.containsKey(userId) || isDirty(userId))
        {
            return false;
        }
        users.remove(userId);
        lru.remove(userId);
        evictions++;
        return true;
    }

    @Override
    public int collectDirty(final int max, final DirtyRecordVisitor visitor)
    {
        int n = 0;
        for (final Long userId : dirtyUsers)
        {
            for (final Map.Entry<Long, Rec> e : users.get(userId).entrySet())
            {
                final Rec r = e.getValue();
                if (r.dirty && n < max)
                {
                    visitor.accept(userId, e.getKey(), r.lastRead, r.mentions, r.version, r.deleted);
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public boolean markClean(final long userId, final long channelId, final long version)
    {
        final TreeMap<Long, Rec> records = users.get(userId);
        final Rec r = records == null ? null : records.get(channelId);
        if (r == null || !r.dirty || r.version != version)
        {
            return false;
        }
        r.dirty = false;
        if (r.deleted)
        {
            records.remove(channelId);
        }
        refreshLists(userId);
        return true;
    }

    @Override
    public void forEachUser(final java.util.function.LongConsumer visitor)
    {
        users.keySet().forEach(visitor::accept);
    }

    @Override
    public int residentUsers()
    {
        return users.size();
    }

    @Override
    public long readStates()
    {
        return users.values().stream().flatMap(m -> m.values().stream()).filter(r -> !r.deleted).count();
    }

    @Override
    public long dirtyRecords()
    {
        return users.values().stream().flatMap(m -> m.values().stream()).filter(r -> r.dirty).count();
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

    /** The model is plain collections with nothing derived to disagree. */
    @Override
    public void checkInvariants()
    {
    }

    @Override
    public void close()
    {
    }
}
