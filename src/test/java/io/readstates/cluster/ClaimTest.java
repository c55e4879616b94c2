package io.readstates.cluster;

import io.readstates.ownership.Slots;
import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node's claim crosses the shared map as it was made. */
class ClaimTest
{
    @Test
    void shouldCarryTheIncarnationAndBothSetsOfSlots()
    {
        final Claim claim = Claim.none(-42);
        claim.held().set(0);
        claim.held().set(511);
        claim.held().set(Slots.COUNT - 1);
        claim.serving().set(511);
        final Claim back = Claim.of(claim.toBytes());
        assertEquals(-42, back.incarnation());
        assertEquals(claim.held(), back.held());
        assertEquals(claim.serving(), back.serving());
    }

    @Test
    void shouldCarryAClaimOfNothing()
    {
        final Claim back = Claim.of(Claim.none(7).toBytes());
        assertTrue(back.held().isEmpty() && back.serving().isEmpty());
        assertEquals(new BitSet(), back.held());
    }

    @Test
    void shouldRefuseBytesThatAreNotAClaim()
    {
        assertThrows(IllegalArgumentException.class, () -> Claim.of(new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> Claim.of(new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9}));
    }
}
