package io.readstates.store.offheap;

import static io.readstates.store.offheap.OffHeapArray.NIL;

/**
 * The record slots of a store, one read state each, and the index from (user id, channel id) to a slot.
 * Free slots are chained through the {@code next} field.
 *
 * <pre>
 *   0            8           16         24         28         32        36
 *   +------------+-----------+----------+----------+----------+---------+
 *   | channel id | last read | version  | mentions | owner    | next    |
 *   +------------+-----------+----------+----------+----------+---------+
 *    long         long        long       int        int        int
 * </pre>
 *
 * {@code owner} holds the slot of the record's user in the {@link UserTable} (its low
 * {@value #USER_SLOT_BITS} bits) and the flags (the bits above); {@code next} is the next record of
 * the same user (or of the free list).
 *
 * <p>A record does not hold its user's id: the user slot names the user in 4 bytes instead of 8, and
 * a lookup that has found the user compares slots. That is what brings a record to 36 bytes. The id is
 * read from the user's slot where it is needed, to hash a record that the index moves. Records are not
 * aligned to 8 bytes; the hardware this runs on reads unaligned longs at the same cost.
 */
final class RecordTable implements AutoCloseable
{
    static final int CHANNEL_ID_OFFSET = 0;
    static final int LAST_READ_OFFSET = CHANNEL_ID_OFFSET + Long.BYTES;
    static final int VERSION_OFFSET = LAST_READ_OFFSET + Long.BYTES;
    static final int MENTIONS_OFFSET = VERSION_OFFSET + Long.BYTES;
    static final int OWNER_OFFSET = MENTIONS_OFFSET + Integer.BYTES;
    static final int NEXT_OFFSET = OWNER_OFFSET + Integer.BYTES;
    /** Bytes per record slot. */
    static final int LENGTH = NEXT_OFFSET + Integer.BYTES;

    /** Flag: changed since Redis last confirmed it. */
    static final int DIRTY = 1;
    /** Flag: a deletion kept until Redis confirms it. */
    static final int DELETED = 2;

    /** Bits of {@code owner} that hold the user slot: as many as an index can address. */
    static final int USER_SLOT_BITS = OffHeapIndex.SLOT_BITS;
    private static final int USER_SLOT_MASK = (1 << USER_SLOT_BITS) - 1;

    /** Gives the id of the user in a user slot. */
    interface UserIds
    {
        long userId(int userSlot);
    }

    private final OffHeapArray slots;
    private final OffHeapIndex index;
    private final OffHeapIndex.SlotHash hashOfSlot = this::hashOf;
    private final UserIds userIds;
    private int highWater;
    private int free = NIL;
    private int used;

    RecordTable(final int capacity, final double loadFactor, final UserIds userIds)
    {
        this.userIds = userIds;
        this.slots = new OffHeapArray(capacity, LENGTH, false);
        this.index = new OffHeapIndex(capacity, loadFactor);
    }

    /** @return the native bytes of the slots and their index. */
    long bytes()
    {
        return slots.bytes() + index.bytes();
    }

    int capacity()
    {
        return slots.length();
    }

    int used()
    {
        return used;
    }

    /** @return the record of (user, channel), deleted or not, or {@code NIL}; {@code userSlot} is where the user is. */
    int find(final int userSlot, final long userId, final long channelId)
    {
        final OffHeapIndex index = this.index;
        final OffHeapArray slots = this.slots;
        final long hash = Hashing.mixPair(userId, channelId);
        for (int b = index.home(hash); ; b = index.next(b))
        {
            final int r = index.candidate(b, hash);
            if (r == OffHeapIndex.END)
            {
                return NIL;
            }
            if (r != OffHeapIndex.OTHER && slots.getLong(r, CHANNEL_ID_OFFSET) == channelId && userSlot(r) == userSlot)
            {
                return r;
            }
        }
    }

    /**
     * Takes a free slot for a new, empty, clean record at the head of its user's list.
     *
     * @param nextOfUser the user's current first record
     */
    int add(final int userSlot, final long userId, final long channelId, final int nextOfUser)
    {
        final int record;
        if (free != NIL)
        {
            record = free;
            free = slots.getInt(record, NEXT_OFFSET);
        }
        else
        {
            record = highWater++;
        }
        slots.putLong(record, CHANNEL_ID_OFFSET, channelId);
        set(record, 0, 0, 0);
        slots.putInt(record, OWNER_OFFSET, userSlot);
        slots.putInt(record, NEXT_OFFSET, nextOfUser);
        index.insert(Hashing.mixPair(userId, channelId), record);
        used++;
        return record;
    }

    /** Forgets a record: out of the index, onto the free list. */
    void remove(final int record)
    {
        index.remove(hashOf(record), record, hashOfSlot);
        slots.putInt(record, NEXT_OFFSET, free);
        free = record;
        used--;
    }

    void set(final int record, final long lastRead, final int mentions, final long version)
    {
        slots.putLong(record, LAST_READ_OFFSET, lastRead);
        slots.putInt(record, MENTIONS_OFFSET, mentions);
        slots.putLong(record, VERSION_OFFSET, version);
    }

    long channelId(final int record)
    {
        return slots.getLong(record, CHANNEL_ID_OFFSET);
    }

    long lastRead(final int record)
    {
        return slots.getLong(record, LAST_READ_OFFSET);
    }

    int mentions(final int record)
    {
        return slots.getInt(record, MENTIONS_OFFSET);
    }

    long version(final int record)
    {
        return slots.getLong(record, VERSION_OFFSET);
    }

    int userSlot(final int record)
    {
        return slots.getInt(record, OWNER_OFFSET) & USER_SLOT_MASK;
    }

    int next(final int record)
    {
        return slots.getInt(record, NEXT_OFFSET);
    }

    void setNext(final int record, final int next)
    {
        slots.putInt(record, NEXT_OFFSET, next);
    }

    int flags(final int record)
    {
        return slots.getInt(record, OWNER_OFFSET) >>> USER_SLOT_BITS;
    }

    void setFlags(final int record, final int flags)
    {
        slots.putInt(record, OWNER_OFFSET, (flags << USER_SLOT_BITS) | userSlot(record));
    }

    boolean isDeleted(final int record)
    {
        return (flags(record) & DELETED) != 0;
    }

    private long hashOf(final int record)
    {
        return Hashing.mixPair(userIds.userId(userSlot(record)), channelId(record));
    }

    /**
     * Checks the free list and the index against the count of used slots.
     *
     * @throws IllegalStateException naming what disagrees.
     */
    void checkInvariants()
    {
        int freeSlots = 0;
        for (int r = free; r != NIL; r = next(r))
        {
            if (++freeSlots > highWater)
            {
                throw new IllegalStateException("the free record list loops");
            }
        }
        if (freeSlots + used != highWater)
        {
            throw new IllegalStateException(freeSlots + " free and " + used + " used records, but " + highWater +
                " were ever taken");
        }
        index.checkInvariants(hashOfSlot, used);
    }

    @Override
    public void close()
    {
        slots.close();
        index.close();
    }
}
