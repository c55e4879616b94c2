package io.readstates.store.offheap;

import org.agrona.UnsafeApi;

/**
 * A fixed number of fixed-size elements in native memory, addressed by an int index and a field offset.
 *
 * <p>The memory is one allocation, so that an element's address is one multiply and one add from the
 * base: the store's lookups are a handful of instructions each, and a segment table in front of them
 * cost a dependent load and a bounds check on every access. Fields are read and written through
 * Agrona's {@link UnsafeApi} at computed addresses. Bounds checks are therefore switched by the
 * system property {@value #BOUNDS_CHECKS_PROPERTY}, as Agrona switches its own: off by default, on in
 * the tests, where an index out of range throws instead of writing over someone else's memory.
 *
 * <p>The memory comes from {@code Unsafe.allocateMemory}, not {@code ByteBuffer.allocateDirect}: it is
 * not counted against {@code -XX:MaxDirectMemorySize} (which defaults to the heap size), no Java
 * buffer's 2 GiB limit applies, and pages the store has not written yet are not committed by the
 * operating system. The first element starts on a cache line, so an element whose size divides 64
 * never spans two lines (malloc aligns large blocks to 16 bytes only).
 */
final class OffHeapArray implements AutoCloseable
{
    /** An index that names no element: the end of a chain, an empty link. */
    static final int NIL = -1;
    static final String BOUNDS_CHECKS_PROPERTY = "readstates.offheap.boundsChecks";
    private static final boolean BOUNDS_CHECKS = Boolean.getBoolean(BOUNDS_CHECKS_PROPERTY);

    private static final int CACHE_LINE = 64;
    /** Bytes an array holds beyond its elements: the room to align the first one. */
    static final int ALIGNMENT_BYTES = CACHE_LINE - 1;

    private final long allocation;
    private final long base;
    private final int length;
    private final int elementBytes;
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
        this.length = length;
        this.elementBytes = elementBytes;
        this.bytes = (long)length * elementBytes;
        this.allocation = UnsafeApi.allocateMemory(bytes + ALIGNMENT_BYTES);
        this.base = (allocation + ALIGNMENT_BYTES) & -CACHE_LINE;
        if (zeroed)
        {
            UnsafeApi.setMemory(base, bytes, (byte)0);
        }
    }

    /** @return the native bytes held, the room to align the first element included. */
    long bytes()
    {
        return bytes + ALIGNMENT_BYTES;
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
        return base + (long)index * elementBytes + field;
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
            UnsafeApi.freeMemory(allocation);
        }
    }
}
