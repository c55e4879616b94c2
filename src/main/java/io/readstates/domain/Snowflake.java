package io.readstates.domain;

import java.math.BigInteger;

/**
 * Snowflake ids: unsigned 64-bit values carried in a {@code long}, written as decimal strings. Valid
 * ids are 1 to 2^64-1; 0 means "none" and is never accepted from a caller.
 */
public final class Snowflake
{
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private Snowflake()
    {
    }

    /**
     * Reads an id given as a decimal string or a JSON integer.
     *
     * @throws IllegalArgumentException naming what is wrong, if it is not an id from 1 to 2^64-1.
     */
    public static long parse(final Object value)
    {
        if (value instanceof String)
        {
            return parseDecimal((String)value);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte)
        {
            final long id = ((Number)value).longValue();
            if (id < 1)
            {
                throw new IllegalArgumentException("must be from 1 to 18446744073709551615, was " + id);
            }
            return id;
        }
        if (value instanceof BigInteger)
        {
            return parseDecimal(value.toString());
        }
        if (value instanceof Number)
        {
            throw new IllegalArgumentException("must be a whole number, was " + value);
        }
        throw new IllegalArgumentException(value == null ? "is missing" : "must be a decimal string or an integer");
    }

    /** Reads a decimal id from 1 to 2^64-1, such as a path segment. */
    public static long parseDecimal(final String text)
    {
        if (text.isEmpty() || text.length() > 20)
        {
            throw new IllegalArgumentException("must be a decimal id from 1 to 18446744073709551615");
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9')
            {
                throw new IllegalArgumentException("must be a decimal id from 1 to 18446744073709551615, was '" + text + "'");
            }
        }
        final BigInteger value = new BigInteger(text);
        if (value.signum() == 0 || value.compareTo(MAX) > 0)
        {
            throw new IllegalArgumentException("must be from 1 to 18446744073709551615, was " + text);
        }
        return value.longValue();
    }

    public static String format(final long id)
    {
        return Long.toUnsignedString(id);
    }
}
