package io.readstates.wire;

import io.readstates.domain.Refusal;

/**
 * Snowflake ids on the wire: unsigned 64-bit values carried in a {@code long}, written as decimal
 * strings, read from decimal strings or JSON integers. Valid ids are 1 to 2^64-1; 0 means "none" and
 * is never accepted from a caller.
 */
public final class Ids
{
    private static final String RANGE = "from 1 to 18446744073709551615";
    private static final int MAX_DIGITS = 20;
    /** (2^64 - 1) / 10, unsigned: past it, one more digit overflows. */
    private static final long LAST_SAFE = Long.divideUnsigned(-1L, 10);
    /** (2^64 - 1) % 10: the largest last digit after {@link #LAST_SAFE}. */
    private static final int LAST_DIGIT = (int)Long.remainderUnsigned(-1L, 10);

    private Ids()
    {
    }

    /**
     * Reads an id given as a decimal string or a JSON integer.
     *
     * @param name how the refusal names the value, such as {@code "channelId"}
     * @throws Refusal 400 {@code invalid_id} naming the value and what is wrong with it
     */
    public static long parse(final Object value, final String name)
    {
        if (value instanceof String)
        {
            return parseDecimal((String)value, name);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte)
        {
            final long id = ((Number)value).longValue();
            if (id < 1)
            {
                throw invalid(name, "must be " + RANGE + ", was " + id);
            }
            return id;
        }
        if (value instanceof java.math.BigInteger)
        {
            // A JSON integer beyond the signed range: read its digits like a string's.
            return parseDecimal(value.toString(), name);
        }
        if (value instanceof Number)
        {
            throw invalid(name, "must be a whole number, was " + value);
        }
        throw invalid(name, value == null ? "is missing" : "must be a decimal string or an integer");
    }

    /**
     * Reads a decimal id, such as a path segment, digit by digit.
     *
     * @throws Refusal 400 {@code invalid_id} if it is not a decimal id {@value #RANGE}
     */
    public static long parseDecimal(final String text, final String name)
    {
        final int length = text.length();
        if (length == 0 || length > MAX_DIGITS)
        {
            throw invalid(name, "must be a decimal id " + RANGE);
        }
        long id = 0;
        for (int i = 0; i < length; i++)
        {
            final int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9)
            {
                throw invalid(name, "must be a decimal id " + RANGE + ", was '" + text + "'");
            }
            final int order = Long.compareUnsigned(id, LAST_SAFE);
            if (order > 0 || order == 0 && digit > LAST_DIGIT)
            {
                throw invalid(name, "must be " + RANGE + ", was " + text);
            }
            id = id * 10 + digit;
        }
        if (id == 0)
        {
            throw invalid(name, "must be " + RANGE + ", was " + text);
        }
        return id;
    }

    public static String format(final long id)
    {
        return Long.toUnsignedString(id);
    }

    private static Refusal invalid(final String name, final String problem)
    {
        return Refusal.badRequest("invalid_id", name + " " + problem);
    }
}
