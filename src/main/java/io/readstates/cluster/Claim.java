package io.readstates.cluster;

import io.readstates.ownership.Slots;

import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * What one node publishes, in the map the cluster shares, of the slots it may hold: those it serves, and
 * those it holds without serving (being taken, or being given up while their changes are written). A
 * claim names the node's incarnation (see {@link Heartbeats}): once a quorum has given up on that
 * incarnation, its claim no longer stands in anyone's way.
 */
record Claim(long incarnation, BitSet held, BitSet serving)
{
    /** A node that holds nothing. */
    static Claim none(final long incarnation)
    {
        return new Claim(incarnation, new BitSet(Slots.COUNT), new BitSet(Slots.COUNT));
    }

    byte[] toBytes()
    {
        final byte[] heldBytes = held.toByteArray();
        final byte[] servingBytes = serving.toByteArray();
        return ByteBuffer.allocate(8 + 4 + heldBytes.length + servingBytes.length)
            .putLong(incarnation).putInt(heldBytes.length).put(heldBytes).put(servingBytes).array();
    }

    /** @throws IllegalArgumentException if the bytes are not a claim */
    static Claim of(final byte[] bytes)
    {
        if (bytes.length < 12)
        {
            throw new IllegalArgumentException("a claim of " + bytes.length + " bytes");
        }
        final ByteBuffer in = ByteBuffer.wrap(bytes);
        final long incarnation = in.getLong();
        final int heldLength = in.getInt();
        if (heldLength < 0 || heldLength > in.remaining())
        {
            throw new IllegalArgumentException("a claim whose slots run past its end");
        }
        final byte[] heldBytes = new byte[heldLength];
        in.get(heldBytes);
        final byte[] servingBytes = new byte[in.remaining()];
        in.get(servingBytes);
        return new Claim(incarnation, BitSet.valueOf(heldBytes), BitSet.valueOf(servingBytes));
    }
}
