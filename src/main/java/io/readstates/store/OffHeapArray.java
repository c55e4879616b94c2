package io.readstates.store;

import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A fixed number of fixed-size elements in native memory, addressed by an int index and a field offset.
 *
 * <p>One Agrona buffer addresses at most 2 GiB, so the elements are spread over segments of a
 * power-of-two element count, each its own buffer. An element never straddles two segments.
 *
 * <p>The memory comes from {@code Unsafe.allocateMemory}, not {@code ByteBuffer.allocateDirect}: it is
 * not counted against {@code -XX:MaxDirectMemorySize} (which defaults to the heap size), and pages the
 * store has not written yet are not committed by the operating system.
 */
final class OffHeapArray implements AutoCloseable
{
    private static final long MAX_SEGMENT_BYTES = 1L << 30;

    private final UnsafeBuffer[] segments;
    private final long[] addresses;
    private final int elementBytes;
    private final int shift;
    private final int mask;
    private final long bytes;

    /**
     * @param zeroed whether every byte must start as 0; otherwise the content is undefined until written.
     */
    OffHeapArray(final int length, final int elementBytes, final boolean zeroed)
    {
        if (length < 1 || elementBytes < 1)
        {
            throw new IllegalArgumentException("length and elementBytes must be positive");
        }
        final long perSegment = Long.highestOneBit(MAX_SEGMENT_BYTES / elementBytes);
        this.shift = Long.numberOfTrailingZeros(perSegment);
        this.mask = (int)perSegment - 1;
        this.elementBytes = elementBytes;

        final int segmentCount = (int)((length + perSegment - 1) / perSegment);
        this.segments = new UnsafeBuffer[segmentCount];
        this.addresses = new long[segmentCount];
        long total = 0;
        for (int s = 0; s < segmentCount; s++)
        {
            final long elements = Math.min(perSegment, length - s * perSegment);
            final int segmentBytes = (int)(elements * elementBytes);
            final long address = UnsafeApi.allocateMemory(segmentBytes);
            if (zeroed)
            {
                UnsafeApi.setMemory(address, segmentBytes, (byte)0);
            }
            addresses[s] = address;
            segments[s] = new UnsafeBuffer(address, segmentBytes);
            total += segmentBytes;
        }
        this.bytes = total;
    }

    long bytes()
    {
        return bytes;
    }

    long getLong(final int index, final int field)
    {
        return segments[index >>> shift].getLong((index & mask) * elementBytes + field);
    }

    void putLong(final int index, final int field, final long value)
    {
        segments[index >>> shift].putLong((index & mask) * elementBytes + field, value);
    }

    int getInt(final int index, final int field)
    {
        return segments[index >>> shift].getInt((index & mask) * elementBytes + field);
    }

    void putInt(final int index, final int field, final int value)
    {
        segments[index >>> shift].putInt((index & mask) * elementBytes + field, value);
    }

    @Override
    public void close()
    {
        for (int s = 0; s < addresses.length; s++)
        {
            if (addresses[s] != 0)
            {
                segments[s].wrap(new byte[0]);
                UnsafeApi.freeMemory(addresses[s]);
                addresses[s] = 0;
            }
        }
    }
}
