package io.readstates.ownership;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The slot function and the owners of slots are a contract with callers: these are its test vectors (docs/cluster.md). */
class SlotsTest
{
    private static final List<String> NODES = List.of("readstates-0", "readstates-1", "readstates-2");

    @Test
    void shouldPutUsersInTheSlotsOfTheTestVectors()
    {
        assertEquals(205, Slots.of(1));
        assertEquals(71, Slots.of(42));
        assertEquals(38, Slots.of(1000));
        assertEquals(611, Slots.of(175928847299117063L));
        assertEquals(761, Slots.of(Long.parseUnsignedLong("18446744073709551615")));
    }

    @Test
    void shouldGiveSlotsTheOwnersOfTheTestVectors()
    {
        assertEquals("readstates-2", owner(0, NODES));
        assertEquals("readstates-0", owner(1, NODES));
        assertEquals("readstates-2", owner(511, NODES));
        assertEquals("readstates-0", owner(1023, NODES));
    }

    @Test
    void shouldMoveOnlyTheSlotsOfANodeThatLeaves()
    {
        final List<String> without = List.of("readstates-0", "readstates-2");
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            final String before = owner(slot, NODES);
            if (!before.equals("readstates-1"))
            {
                assertEquals(before, owner(slot, without), "slot " + slot + " stays where it was");
            }
        }
    }

    @Test
    void shouldNotDependOnTheOrderTheNodesAreListedIn()
    {
        final List<String> reversed = new ArrayList<>(NODES);
        Collections.reverse(reversed);
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            assertEquals(owner(slot, NODES), owner(slot, reversed), "slot " + slot);
        }
    }

    @Test
    void shouldSpreadSlotsOverTheNodes()
    {
        final int[] owned = new int[NODES.size()];
        for (int slot = 0; slot < Slots.COUNT; slot++)
        {
            owned[Slots.ownerIndex(slot, NODES)]++;
        }
        for (final int n : owned)
        {
            assertTrue(n > Slots.COUNT / NODES.size() * 0.8 && n < Slots.COUNT / NODES.size() * 1.2, "slots per node: " + n);
        }
    }

    private static String owner(final int slot, final List<String> nodes)
    {
        return nodes.get(Slots.ownerIndex(slot, nodes));
    }
}
