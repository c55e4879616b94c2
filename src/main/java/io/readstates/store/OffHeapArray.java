package io.readstates.store;

import org.agrona.UnsafeApi;

/**
 * A fixed number of fixed-size elements in native memory, addressed by an int index and a field offset.
 *
 * <p>The memory is allocated in segments of at most 1 GiB, a power-of-two number of elements each, so
 * that no single allocation approaches the 2 GiB that one Agrona buffer can address, and an element
 * never straddles two segments. Fields are read and written through Agrona's {@link UnsafeApi} at
 * computed addresses: a buffer's bounds check and field loads on every access cost more than the
 * lookups themselves on the store's hot path, and every index used here comes from the store's own
 * tables, which the randomized model test checks.
 *
 * <p>The memory comes from {@code Unsafe.allocateMemory}, not {@code ByteBuffer.allocateDirect}: it is
 * not counted against {@code -XX:MaxDirectMemorySize} (which defaults to the heap size), and pages the
 * store has not written yet are not committed by the operating system.
 */
final class OffHeapArray implements AutoCloseable
{
    private static final long MAX_SEGMENT_BYTES = 1L << 30;

    private final long[] bases;
    private final long elementBytes;
    private final int shift;
    private final int mask;
    private final long bytes;
    private boolean closed;

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
        this.bases = new long[segmentCount];
        long total = 0;
        for (int s = 0; s < segmentCount; s++)
        {
            final long segmentBytes = Math.min(perSegment, length - s * perSegment) * elementBytes;
            final long base = UnsafeApi.allocateMemory(segmentBytes);
            if (zeroed)
            {
                UnsafeApi.setMemory(base, segmentBytes, (byte)0);
            }
            bases[s] = base;
            total += segmentBytes;
        }
        this.bytes = total;
    }

    long bytes()
    {
        return bytes;
    }

    /** @return the native address of an element's first byte. */
    long address(final int index)
    {
        return bases[index >>> shift] + (index & mask) * elementBytes;
    }

    long getLong(final int index, final int field)
    {
        return UnsafeApi.getLong(address(index) + field);
    }

    void putLong(final int index, final int field, final long value)
    {
        UnsafeApi.putLong(address(index) + field, value);
    }

    int getInt(final int index, final int field)
    {
        return UnsafeApi.getInt(address(index) + field);
    }

    void putInt(final int index, final int field, final int value)
    {
        UnsafeApi.putInt(address(index) + field, value);
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            for (final long base : bases)
            {
                UnsafeApi.freeMemory(base);
            }
        }
    }
}
