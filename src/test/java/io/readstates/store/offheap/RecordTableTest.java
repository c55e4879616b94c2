package io.readstates.store.offheap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static io.readstates.store.offheap.OffHeapArray.NIL;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Records live where their lookup lands, so deleting one moves others back along the probe run, across
 * the end of the table too; a moved record stays findable and stays on its user's list.
 */
class RecordTableTest
{
    private static final int CAPACITY = 4;
    private static final double LOAD_FACTOR = 0.99;
    private static final long ALICE = 1001;
    private static final long BOB = 2002;

    private final UserTable users = new UserTable(2, 0.75);
    private final RecordTable records = new RecordTable(CAPACITY, LOAD_FACTOR, users);
    private final int alice = users.add(ALICE);
    private final int bob = users.add(BOB);

    @AfterEach
    void close()
    {
        records.close();
        users.close();
    }

    @Test
    void shouldMoveRecordsBackAcrossTheEndAndRelinkThemInTheirUsersLists()
    {
        final int last = new Probing(CAPACITY, LOAD_FACTOR).buckets() - 1;
        final long[] aliceChannels = channelsAtHome(ALICE, last, 3);
        final long bobChannel = channelsAtHome(BOB, last, 1)[0];

        final int a0 = add(alice, ALICE, aliceChannels[0]);
        final int b0 = add(bob, BOB, bobChannel);
        final int a1 = add(alice, ALICE, aliceChannels[1]);
        final int a2 = add(alice, ALICE, aliceChannels[2]);
        assertEquals(last, a0, "at home in the last slot");
        assertEquals(0, b0, "wrapped to the first slot");
        assertEquals(1, a1);
        assertEquals(2, a2);

        // Alice's list is a2 -> a1 -> a0: take a0 off it, then out of the table.
        records.setNext(a1, NIL);
        records.remove(a0);

        assertEquals(last, records.find(bob, BOB, bobChannel), "Bob's record moved back across the end");
        assertEquals(last, users.head(bob), "and is still Bob's first");
        assertEquals(1, records.find(alice, ALICE, aliceChannels[2]), "Alice's newest moved back");
        assertEquals(0, records.find(alice, ALICE, aliceChannels[1]), "and the one after it");
        assertEquals(1, users.head(alice), "Alice's list starts at the moved head");
        assertEquals(0, records.next(1), "and goes on to the other moved record");
        assertEquals(NIL, records.next(0));
        assertEquals(NIL, records.find(alice, ALICE, aliceChannels[0]), "the removed record is gone");
        records.checkInvariants();
    }

    @Test
    void shouldNotTakeAnotherUsersRecordForTheSameChannel()
    {
        final long channel = 77;
        final int ofAlice = add(alice, ALICE, channel);
        final int ofBob = add(bob, BOB, channel);

        assertEquals(ofAlice, records.find(alice, ALICE, channel));
        assertEquals(ofBob, records.find(bob, BOB, channel));
        assertEquals(NIL, records.find(bob, BOB, channel + 1));
    }

    private int add(final int user, final long userId, final long channelId)
    {
        final int record = records.add(user, userId, channelId, users.head(user));
        users.setHead(user, record);
        return record;
    }

    /** Channels whose record of this user is first looked for in {@code slot}. */
    private static long[] channelsAtHome(final long userId, final int slot, final int count)
    {
        final Probing probing = new Probing(CAPACITY, LOAD_FACTOR);
        return LongStream.iterate(1, c -> c + 1)
            .filter(c -> probing.home(Hashing.mixPair(userId, c)) == slot)
            .limit(count)
            .toArray();
    }
}
