package io.readstates.store.offheap;

import org.agrona.UnsafeApi;

import static io.readstates.store.offheap.OffHeapArray.NIL;

/**
 * The records of a store, one read state each, held in the slots of an open-addressing hash table on
 * (user id, channel id): a lookup lands on the record itself, with linear probing and backward-shift
 * deletion (see {@link Probing}).
 *
 * <pre>
 *   0            8           16                       24         28        32
 *   +------------+-----------+------------------------+----------+---------+
 *   | channel id | last read | next + 1  |  version   | mentions | owner   |
 *   +------------+-----------+------------------------+----------+---------+
 *    long         long        27 bits     37 bits      int        int
 * </pre>
 *
 * {@code owner} holds the slot of the record's user in the {@link UserTable}, plus one, in its low
 * {@value #USER_SLOT_BITS} bits (0: the slot is empty) and the flags above them. The third long holds
 * the record's version in its low {@value #VERSION_BITS} bits and, above them, the next record of the
 * same user plus one (0: none); the user's first record is its {@code head}.
 *
 * <p>A record does not hold its user's id: the user slot names the user in 4 bytes instead of 8, and a
 * lookup, which has found the user in the user index, compares slots. Sharing a long between the
 * version and the link is what brings a record to 32 bytes: two per cache line, never one across two,
 * and a table at a load factor of {@value OffHeapReadStateStore#RECORD_LOAD_FACTOR} within the 48
 * bytes per read state, the users' share included, with shorter probes than 36-byte records needed at
 * 0.85 for the same budget. A version is at most {@link io.readstates.store.ReadStateRules#MAX_VERSION}.
 *
 * <p><b>Records move.</b> Deleting one shifts later records of its probe run back into the hole, so a
 * record's slot number is only good until the next {@link #remove}; a moved record's user list is
 * relinked here. Callers hold slot numbers across nothing that removes.
 */
final class RecordTable implements AutoCloseable
{
    static final int CHANNEL_ID_OFFSET = 0;
    static final int LAST_READ_OFFSET = CHANNEL_ID_OFFSET + Long.BYTES;
    static final int NEXT_AND_VERSION_OFFSET = LAST_READ_OFFSET + Long.BYTES;
    static final int MENTIONS_OFFSET = NEXT_AND_VERSION_OFFSET + Long.BYTES;
    static final int OWNER_OFFSET = MENTIONS_OFFSET + Integer.BYTES;
    /** Bytes per record slot. */
    static final int LENGTH = OWNER_OFFSET + Integer.BYTES;

    /** Low bits of the third long that hold the version; the link to the next record takes the rest. */
    static final int VERSION_BITS = 37;
    private static final long VERSION_MASK = (1L << VERSION_BITS) - 1;

    /** Flag: changed since Redis last confirmed it. */
    static final int DIRTY = 1;
    /** Flag: a deletion kept until Redis confirms it. */
    static final int DELETED = 2;

    /** Bits of {@code owner} that hold the user slot plus one. */
    static final int USER_SLOT_BITS = 27;
    /** The most user slots one store can hold, and the most slots of its record table. */
    static final int MAX_SLOTS = (1 << USER_SLOT_BITS) - 2;
    private static final int USER_SLOT_MASK = (1 << USER_SLOT_BITS) - 1;

    private final OffHeapArray slots;
    private final Probing probing;
    private final int capacity;
    private final UserTable users;
    private int used;

    /**
     * @param capacity the most records held at once; the table has room for them at {@code loadFactor}
     * @param users the users the records belong to, whose lists a moved record is relinked in
     */
    RecordTable(final int capacity, final double loadFactor, final UserTable users)
    {
        this.capacity = capacity;
        this.users = users;
        this.probing = new Probing(capacity, loadFactor);
        if (probing.buckets() > MAX_SLOTS)
        {
            throw new IllegalArgumentException("too many records for one store: " + capacity + " need " + probing.buckets() +
                " slots, more than a record can link to (" + MAX_SLOTS + ")");
        }
        this.slots = new OffHeapArray(probing.buckets(), LENGTH, true);
    }

    /** @return the native bytes of the table, room to probe included. */
    long bytes()
    {
        return slots.bytes();
    }

    int capacity()
    {
        return capacity;
    }

    int used()
    {
        return used;
    }

    /** @return the record of (user, channel), deleted or not, or {@code NIL}; {@code userSlot} is where the user is. */
    int find(final int userSlot, final long userId, final long channelId)
    {
        final OffHeapArray slots = this.slots;
        final int owner = userSlot + 1;
        for (int r = home(userId, channelId); ; r = probing.next(r))
        {
            final int found = slots.getInt(r, OWNER_OFFSET) & USER_SLOT_MASK;
            if (found == 0)
            {
                return NIL;
            }
            if (found == owner && slots.getLong(r, CHANNEL_ID_OFFSET) == channelId)
            {
                return r;
            }
        }
    }

    /**
     * Takes the first empty slot of the key's run for a new, empty, clean record at the head of its
     * user's list. The caller makes sure that fewer than {@link #capacity} records are held.
     *
     * @param nextOfUser the user's current first record
     */
    int add(final int userSlot, final long userId, final long channelId, final int nextOfUser)
    {
        int record = home(userId, channelId);
        while (!isEmpty(record))
        {
            record = probing.next(record);
        }
        slots.putLong(record, CHANNEL_ID_OFFSET, channelId);
        slots.putLong(record, LAST_READ_OFFSET, 0);
        slots.putLong(record, NEXT_AND_VERSION_OFFSET, link(nextOfUser));
        slots.putInt(record, MENTIONS_OFFSET, 0);
        slots.putInt(record, OWNER_OFFSET, userSlot + 1);
        used++;
        return record;
    }

    /**
     * Forgets a record that is no longer on its user's list, and moves back the records after it that
     * would otherwise no longer be found, relinking each in its user's list.
     */
    void remove(final int record)
    {
        int hole = record;
        for (int probe = probing.next(hole); !isEmpty(probe); probe = probing.next(probe))
        {
            if (probing.mustFill(hole, homeOf(probe), probe))
            {
                UnsafeApi.copyMemory(slots.address(probe), slots.address(hole), LENGTH);
                relink(probe, hole);
                hole = probe;
            }
        }
        slots.putInt(hole, OWNER_OFFSET, 0);
        used--;
    }

    /** Points whatever led to the record at {@code from} (its user's head, or the record before it) at {@code to}. */
    private void relink(final int from, final int to)
    {
        final int user = userSlot(to);
        int r = users.head(user);
        if (r == from)
        {
            users.setHead(user, to);
            return;
        }
        while (next(r) != from)
        {
            r = next(r);
        }
        setNext(r, to);
    }

    /** @param version at most {@link io.readstates.store.ReadStateRules#MAX_VERSION}, or it would overwrite the link */
    void set(final int record, final long lastRead, final int mentions, final long version)
    {
        slots.putLong(record, LAST_READ_OFFSET, lastRead);
        slots.putInt(record, MENTIONS_OFFSET, mentions);
        final long linked = slots.getLong(record, NEXT_AND_VERSION_OFFSET) & ~VERSION_MASK;
        slots.putLong(record, NEXT_AND_VERSION_OFFSET, linked | version);
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
        return slots.getLong(record, NEXT_AND_VERSION_OFFSET) & VERSION_MASK;
    }

    int userSlot(final int record)
    {
        return (slots.getInt(record, OWNER_OFFSET) & USER_SLOT_MASK) - 1;
    }

    int next(final int record)
    {
        return (int)(slots.getLong(record, NEXT_AND_VERSION_OFFSET) >>> VERSION_BITS) - 1;
    }

    void setNext(final int record, final int next)
    {
        slots.putLong(record, NEXT_AND_VERSION_OFFSET, link(next) | version(record));
    }

    /** The link to {@code next} (or to none, with {@code NIL}) in the bits above the version. */
    private static long link(final int next)
    {
        return (long)(next + 1) << VERSION_BITS;
    }

    int flags(final int record)
    {
        return slots.getInt(record, OWNER_OFFSET) >>> USER_SLOT_BITS;
    }

    void setFlags(final int record, final int flags)
    {
        final int owner = slots.getInt(record, OWNER_OFFSET) & USER_SLOT_MASK;
        slots.putInt(record, OWNER_OFFSET, (flags << USER_SLOT_BITS) | owner);
    }

    boolean isDeleted(final int record)
    {
        return (flags(record) & DELETED) != 0;
    }

    private boolean isEmpty(final int slot)
    {
        return (slots.getInt(slot, OWNER_OFFSET) & USER_SLOT_MASK) == 0;
    }

    /** @return the slot where the record of (user, channel) is looked for first. */
    private int home(final long userId, final long channelId)
    {
        return probing.home(Hashing.mixPair(userId, channelId));
    }

    /** @return the slot where a held record belongs; its user's id is read from the user's slot. */
    private int homeOf(final int record)
    {
        return home(users.userId(userSlot(record)), channelId(record));
    }

    /**
     * Checks that the table holds as many records as counted, each found from its home slot.
     *
     * @throws IllegalStateException naming what disagrees.
     */
    void checkInvariants()
    {
        int held = 0;
        for (int r = 0; r < probing.buckets(); r++)
        {
            if (isEmpty(r))
            {
                continue;
            }
            held++;
            final int user = userSlot(r);
            if (find(user, users.userId(user), channelId(r)) != r)
            {
                throw new IllegalStateException("record " + r + " is not found from its home slot, or is held twice");
            }
        }
        if (held != used)
        {
            throw new IllegalStateException("the table holds " + held + " records, the counter says " + used);
        }
    }

    @Override
    public void close()
    {
        slots.close();
    }
}
