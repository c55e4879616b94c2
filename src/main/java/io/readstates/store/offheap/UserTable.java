package io.readstates.store.offheap;

import static io.readstates.store.offheap.OffHeapArray.NIL;

/**
 * The user slots of a store, the index from user id to slot, and the two lists every resident user is
 * on exactly one of: clean users in least-recently-used order (most recent first), and dirty users (in
 * the order they became dirty). Free slots are chained through the {@code next} field.
 *
 * <pre>
 *   0          8          12         16         20         24         28
 *   +----------+----------+----------+----------+----------+----------+
 *   | user id  | head     | records  | prev     | next     | dirty    |
 *   +----------+----------+----------+----------+----------+----------+
 *    long       int        int        int        int        int
 * </pre>
 *
 * {@code head} is the user's first record in the {@link RecordTable}; {@code records} counts them
 * (deletions waiting to be written included); {@code dirty} counts those not yet confirmed by Redis;
 * {@code prev} and {@code next} link the list the user is on.
 *
 * <p><b>Batched uses.</b> Moving a user to the front of the LRU list writes to its slot and to its
 * neighbours', cache misses that a lookup would otherwise not pay. So a use is only noted by
 * {@link #touch}, and the notes are applied in order, which gives exactly the same list, whenever the
 * order is about to matter: before an eviction and before a user joins or leaves a list.
 */
final class UserTable implements AutoCloseable
{
    static final int USER_ID_OFFSET = 0;
    static final int HEAD_OFFSET = USER_ID_OFFSET + Long.BYTES;
    static final int RECORDS_OFFSET = HEAD_OFFSET + Integer.BYTES;
    static final int PREV_OFFSET = RECORDS_OFFSET + Integer.BYTES;
    static final int NEXT_OFFSET = PREV_OFFSET + Integer.BYTES;
    static final int DIRTY_OFFSET = NEXT_OFFSET + Integer.BYTES;
    /** Bytes per user slot; like records, not aligned to 8. */
    static final int LENGTH = DIRTY_OFFSET + Integer.BYTES;

    /** Uses noted before they are applied to the LRU list. */
    private static final int RECENT_USES = 256;
    /** The two lists, as indexes of their head in {@link #ends}; the tail follows the head. */
    private static final int CLEAN = 0;
    private static final int DIRTY = 2;

    private final OffHeapArray slots;
    private final UserIndex index;
    private final int[] recentUses = new int[RECENT_USES];
    private int recentCount;
    /** Head and tail of the clean list, then of the dirty list. */
    private final int[] ends = {NIL, NIL, NIL, NIL};
    private int highWater;
    private int free = NIL;
    private int resident;
    private int cleanUsers;
    private long cleanRecords;

    UserTable(final int capacity, final double loadFactor)
    {
        this.slots = new OffHeapArray(capacity, LENGTH, false);
        this.index = new UserIndex(capacity, loadFactor);
    }

    long bytes()
    {
        return slots.bytes() + index.bytes();
    }

    int capacity()
    {
        return slots.length();
    }

    int resident()
    {
        return resident;
    }

    /** @return users that could be evicted: resident and with nothing to write. */
    int cleanUsers()
    {
        return cleanUsers;
    }

    /** @return the records of clean users: what evicting all of them would free. */
    long cleanRecords()
    {
        return cleanRecords;
    }

    /** @return the user's slot, or {@code NIL} if it is not resident. */
    int find(final long userId)
    {
        return index.find(userId);
    }

    /** Makes a user resident with no records, as the most recently used clean user. */
    int add(final long userId)
    {
        applyUses();
        final int user;
        if (free != NIL)
        {
            user = free;
            free = next(user);
        }
        else
        {
            user = highWater++;
        }
        slots.putLong(user, USER_ID_OFFSET, userId);
        slots.putInt(user, HEAD_OFFSET, NIL);
        slots.putInt(user, RECORDS_OFFSET, 0);
        slots.putInt(user, DIRTY_OFFSET, 0);
        index.insert(userId, user);
        resident++;
        pushClean(user);
        return user;
    }

    /** Forgets a clean user whose records are already gone. */
    void removeClean(final int user)
    {
        applyUses();
        unlink(CLEAN, user);
        cleanUsers--;
        cleanRecords -= records(user);
        index.remove(userId(user));
        slots.putInt(user, NEXT_OFFSET, free);
        free = user;
        resident--;
    }

    /** @return the least recently used clean user other than {@code keep}, or {@code NIL}. */
    int leastRecentlyUsed(final int keep)
    {
        applyUses();
        final int tail = ends[CLEAN + 1];
        return tail != keep || tail == NIL ? tail : prev(tail);
    }

    /** @return the most recently used clean user, or {@code NIL}; walk on with {@link #next}. */
    int firstClean()
    {
        return ends[CLEAN];
    }

    /** @return the first dirty user, or {@code NIL}; walk on with {@link #next}. */
    int firstDirty()
    {
        return ends[DIRTY];
    }

    long userId(final int user)
    {
        return slots.getLong(user, USER_ID_OFFSET);
    }

    int head(final int user)
    {
        return slots.getInt(user, HEAD_OFFSET);
    }

    void setHead(final int user, final int record)
    {
        slots.putInt(user, HEAD_OFFSET, record);
    }

    int records(final int user)
    {
        return slots.getInt(user, RECORDS_OFFSET);
    }

    int dirty(final int user)
    {
        return slots.getInt(user, DIRTY_OFFSET);
    }

    boolean isClean(final int user)
    {
        return dirty(user) == 0;
    }

    /** The next user on the same list. */
    int next(final int user)
    {
        return slots.getInt(user, NEXT_OFFSET);
    }

    private int prev(final int user)
    {
        return slots.getInt(user, PREV_OFFSET);
    }

    /** One more (or, with -1, one fewer) record for the user. */
    void addRecords(final int user, final int delta)
    {
        slots.putInt(user, RECORDS_OFFSET, records(user) + delta);
        if (isClean(user))
        {
            cleanRecords += delta;
        }
    }

    /** One more of the user's records is dirty; its first moves it from the LRU list to the dirty list. */
    void recordDirtied(final int user)
    {
        final int dirty = dirty(user);
        if (dirty == 0)
        {
            applyUses();
            unlink(CLEAN, user);
            cleanUsers--;
            cleanRecords -= records(user);
            linkTail(DIRTY, user);
        }
        slots.putInt(user, DIRTY_OFFSET, dirty + 1);
    }

    /** One of the user's records was written; its last moves it back, as the most recently used. */
    void recordCleaned(final int user)
    {
        final int dirty = dirty(user) - 1;
        if (dirty == 0)
        {
            // Before the user counts as clean: a noted use of it must not move it while it is on the dirty list.
            applyUses();
        }
        slots.putInt(user, DIRTY_OFFSET, dirty);
        if (dirty == 0)
        {
            unlink(DIRTY, user);
            pushClean(user);
        }
    }

    /** Notes a use of a user; see the class comment. */
    void touch(final int user)
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
            if (user != ends[CLEAN] && isClean(user))
            {
                unlink(CLEAN, user);
                linkHead(CLEAN, user);
            }
        }
        recentCount = 0;
    }

    private void pushClean(final int user)
    {
        linkHead(CLEAN, user);
        cleanUsers++;
        cleanRecords += records(user);
    }

    private void linkHead(final int list, final int user)
    {
        final int head = ends[list];
        slots.putInt(user, PREV_OFFSET, NIL);
        slots.putInt(user, NEXT_OFFSET, head);
        if (head != NIL)
        {
            slots.putInt(head, PREV_OFFSET, user);
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
        slots.putInt(user, PREV_OFFSET, tail);
        slots.putInt(user, NEXT_OFFSET, NIL);
        if (tail != NIL)
        {
            slots.putInt(tail, NEXT_OFFSET, user);
        }
        else
        {
            ends[list] = user;
        }
        ends[list + 1] = user;
    }

    private void unlink(final int list, final int user)
    {
        final int prev = prev(user);
        final int next = next(user);
        if (prev != NIL)
        {
            slots.putInt(prev, NEXT_OFFSET, next);
        }
        else
        {
            ends[list] = next;
        }
        if (next != NIL)
        {
            slots.putInt(next, PREV_OFFSET, prev);
        }
        else
        {
            ends[list + 1] = prev;
        }
    }

    /**
     * Checks both lists (links both ways, every user on the right one, counts), the free list and the
     * index.
     *
     * @throws IllegalStateException naming what disagrees.
     */
    void checkInvariants()
    {
        final int onClean = checkList(CLEAN, true);
        final int onDirty = checkList(DIRTY, false);
        if (onClean != cleanUsers || onClean + onDirty != resident)
        {
            throw new IllegalStateException(onClean + " clean and " + onDirty + " dirty users listed, but counters say " +
                cleanUsers + " clean of " + resident);
        }
        long records = 0;
        for (int u = ends[CLEAN]; u != NIL; u = next(u))
        {
            records += records(u);
        }
        if (records != cleanRecords)
        {
            throw new IllegalStateException("clean users hold " + records + " records, counter says " + cleanRecords);
        }
        int freeSlots = 0;
        for (int u = free; u != NIL; u = next(u))
        {
            if (++freeSlots > highWater)
            {
                throw new IllegalStateException("the free user list loops");
            }
        }
        if (freeSlots + resident != highWater)
        {
            throw new IllegalStateException(freeSlots + " free and " + resident + " resident users, but " + highWater +
                " slots were ever taken");
        }
        index.checkInvariants(resident);
    }

    private int checkList(final int list, final boolean clean)
    {
        int count = 0;
        int prev = NIL;
        for (int u = ends[list]; u != NIL; u = next(u))
        {
            if (prev(u) != prev)
            {
                throw new IllegalStateException("user slot " + u + " links back to " + prev(u) + ", not " + prev);
            }
            if (isClean(u) != clean)
            {
                throw new IllegalStateException("user slot " + u + " with " + dirty(u) + " dirty records is on the " +
                    (clean ? "clean" : "dirty") + " list");
            }
            if (find(userId(u)) != u)
            {
                throw new IllegalStateException("user slot " + u + " is listed but not indexed");
            }
            if (++count > resident)
            {
                throw new IllegalStateException("a user list loops");
            }
            prev = u;
        }
        if (ends[list + 1] != prev)
        {
            throw new IllegalStateException("a user list ends at " + prev + " but its tail is " + ends[list + 1]);
        }
        return count;
    }

    @Override
    public void close()
    {
        slots.close();
        index.close();
    }
}
