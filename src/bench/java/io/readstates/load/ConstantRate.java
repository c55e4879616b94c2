package io.readstates.load;

import io.vertx.core.Vertx;

import java.util.concurrent.CountDownLatch;

/**
 * An open-loop schedule: request i is due at start + i / rate, whatever happened to the earlier ones.
 * A 1 ms timer sends everything due; latency is to be measured from the due time it is given, so a
 * stall of the service (or of this tool) shows as latency instead of silently lowering the rate (no
 * coordinated omission).
 */
final class ConstantRate
{
    /** Sends request {@code index} (from 0), due at {@code intendedNanos} on the System.nanoTime clock. */
    @FunctionalInterface
    interface Sender
    {
        void send(long intendedNanos, long index);
    }

    private ConstantRate()
    {
    }

    /**
     * Runs the schedule from now until {@code end}, closing a second of {@code recorder} (if any) every
     * second from {@code measureFrom}; returns 2 s after the end, so that answers in flight land, with the
     * recorder frozen on the event loop that records into it: the summary can then read it from any
     * thread, and an answer later than that is counted as unanswered, not recorded under the reader.
     */
    static void drive(final Vertx vertx, final double rate, final long start, final long measureFrom, final long end,
        final Recorder recorder, final Sender sender) throws InterruptedException
    {
        final double nanosPerRequest = 1e9 / rate;
        final CountDownLatch done = new CountDownLatch(1);
        final long[] sent = {0};
        // Seconds are closed through the warm-up too, on the same boundaries as the measured ones, and
        // thrown away: closing the first measured second otherwise ran that code for the first time (the
        // JIT, the first read of every process's counters) on the tool's core, and its second showed it.
        final long[] nextTick = {measureFrom + 1_000_000_000L - (measureFrom - start) / 1_000_000_000L * 1_000_000_000L};
        vertx.runOnContext(v -> vertx.setPeriodic(1, id ->
        {
            final long now = System.nanoTime();
            while (recorder != null && now >= nextTick[0] && nextTick[0] <= end)
            {
                recorder.tick(nextTick[0] > measureFrom);
                nextTick[0] += 1_000_000_000L;
            }
            if (now >= end)
            {
                vertx.cancelTimer(id);
                vertx.setTimer(2_000, t ->
                {
                    if (recorder != null)
                    {
                        recorder.freeze();
                    }
                    done.countDown();
                });
                return;
            }
            for (long due = start + (long)(sent[0] * nanosPerRequest); due <= now; due = start + (long)(sent[0] * nanosPerRequest))
            {
                sender.send(due, sent[0]++);
            }
        }));
        done.await();
    }
}
