package io.readstates.support;

import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for something the test can observe, instead of sleeping for a time that is too long or too short. */
public final class Await
{
    private static final long POLL_MS = 10;

    private Await()
    {
    }

    /**
     * Polls until {@code condition} holds.
     *
     * @throws AssertionError naming {@code what} if it does not within {@code timeoutMs}
     */
    public static void until(final String what, final long timeoutMs, final BooleanSupplier condition)
    {
        value(what, timeoutMs, condition::getAsBoolean, done -> done);
    }

    /**
     * Polls {@code probe} until what it returns is {@code done}.
     *
     * @return the value that was
     * @throws AssertionError naming {@code what} and the last value if none was within {@code timeoutMs}
     */
    public static <T> T value(final String what, final long timeoutMs, final Supplier<T> probe, final Predicate<T> done)
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        T last = probe.get();
        while (!done.test(last))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("waited " + timeoutMs + " ms for " + what + "; last seen: " + last);
            }
            try
            {
                Thread.sleep(POLL_MS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
            last = probe.get();
        }
        return last;
    }
}
