package io.readstates.store.offheap;

import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static io.readstates.store.offheap.OffHeapArray.NIL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Probe runs that reach the end of the table go on at its start, and removal keeps them whole. */
class UserIndexTest
{
    private static final int SLOTS = 4;
    private static final double LOAD_FACTOR = 0.99;

    /** Users whose home is the last bucket. */
    private static final long[] USERS = usersAtHome(new Probing(SLOTS, LOAD_FACTOR).buckets() - 1, 3);

    @Test
    void shouldFindUsersWhoseRunWrapsFromTheLastBucketToTheFirst()
    {
        try (UserIndex index = new UserIndex(SLOTS, LOAD_FACTOR))
        {
            for (int slot = 0; slot < USERS.length; slot++)
            {
                index.insert(USERS[slot], slot);
            }
            for (int slot = 0; slot < USERS.length; slot++)
            {
                assertEquals(slot, index.find(USERS[slot]));
            }
            assertEquals(NIL, index.find(USERS[2] + 1));
            index.checkInvariants(3);
        }
    }

    @Test
    void shouldShiftWrappedEntriesBackAcrossTheEndOnRemoval()
    {
        try (UserIndex index = new UserIndex(SLOTS, LOAD_FACTOR))
        {
            for (int slot = 0; slot < USERS.length; slot++)
            {
                index.insert(USERS[slot], slot);
            }
            index.remove(USERS[0]);

            assertEquals(NIL, index.find(USERS[0]));
            assertEquals(1, index.find(USERS[1]));
            assertEquals(2, index.find(USERS[2]));
            index.checkInvariants(2);
        }
    }

    @Test
    void shouldFailLoudlyWhenAUserIsMissing()
    {
        try (UserIndex index = new UserIndex(SLOTS, LOAD_FACTOR))
        {
            index.insert(USERS[0], 0);
            final IllegalStateException e = assertThrows(IllegalStateException.class, () -> index.remove(USERS[1]));
            assertEquals("user " + USERS[1] + " is missing from the index", e.getMessage());
            assertThrows(IllegalStateException.class, () -> index.checkInvariants(2));
        }
    }

    private static long[] usersAtHome(final int bucket, final int count)
    {
        final Probing probing = new Probing(SLOTS, LOAD_FACTOR);
        return LongStream.iterate(1, u -> u + 1).filter(u -> probing.home(Hashing.mix(u)) == bucket).limit(count).toArray();
    }
}
