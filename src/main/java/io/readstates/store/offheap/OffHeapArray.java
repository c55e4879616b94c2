package io.readstates.store.offheap;

import org.agrona.UnsafeApi;

/**
 * A fixed number of fixed-size elements in native memory, addressed by an int index and a field offset.
 *
 * <p>The memory is allocated in segments of at most 1 GiB, a power-of-two number of elements each, so
 * that no single allocation approaches the 2 GiB that one Agrona buffer can address, and an element
 * never straddles two segments. Fields are read and written through Agrona's {@link UnsafeApi} at
 * computed addresses: a buffer's bounds check and field loads on every access cost more than the
 * lookups themselves on the store's hot path. Bounds checks are therefore switched by the system
 * property {@value #BOUNDS_CHECKS_PROPERTY}, as Agrona switches its own: off by default, on in the
 * tests, where an index out of range throws instead of writing over someone else's memory.
 *
 * <p>The memory comes from {@code Unsafe.allocateMemory}, not {@code ByteBuffer.allocateDirect}: it is
 * not counted against {@code -XX:MaxDirectMemorySize} (which defaults to the heap size), and pages the
 * store has not written yet are not committed by the operating system.
 */
final class OffHeapArray implements AutoCloseable
{
    /** An index that names no element: the end of a chain, an empty link. */
    static final int NIL = -1;
    static final String BOUNDS_CHECKS_PROPERTY = "readstates.offheap.boundsChecks";
    private static final boolean BOUNDS_CHECKS = Boolean.getBoolean(BOUNDS_CHECKS_PROPERTY);
    private static final long MAX_SEGMENT_BYTES = 1L << 30;

    private final long[] bases;
    private final int length;
    private final int elementBytes;
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
        this.length = length;
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

    int length()
    {
        return length;
    }

    /** @return the native address of an element, for copying it whole. */
    long address(final int index)
    {
        return address(index, 0, elementBytes);
    }

    /** @return the native address of a field of an element. */
    private long address(final int index, final int field, final int size)
    {
        if (BOUNDS_CHECKS)
        {
            checkBounds(index, field, size);
        }
        return bases[index >>> shift] + (long)(index & mask) * elementBytes + field;
    }

    private void checkBounds(final int index, final int field, final int size)
    {
        if (closed)
        {
            throw new IllegalStateException("off-heap array used after close");
        }
        if (index < 0 || index >= length || field < 0 || field + size > elementBytes)
        {
            throw new IndexOutOfBoundsException("element " + index + " of " + length + ", field " + field + "+" +
                size + " of " + elementBytes + " bytes");
        }
    }

    long getLong(final int index, final int field)
    {
        return UnsafeApi.getLong(address(index, field, Long.BYTES));
    }

    void putLong(final int index, final int field, final long value)
    {
        UnsafeApi.putLong(address(index, field, Long.BYTES), value);
    }

    int getInt(final int index, final int field)
    {
        return UnsafeApi.getInt(address(index, field, Integer.BYTES));
    }

    void putInt(final int index, final int field, final int value)
    {
        UnsafeApi.putInt(address(index, field, Integer.BYTES), value);
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
