package io.readstates.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests refused for what they are (bad input, no credential): counted by status and code in
 * {@code readstates_refusals_total}, and logged, without a stack trace, at most
 * {@value #LINES_PER_MINUTE} times a minute, so that a caller sending garbage cannot flood the log.
 */
public final class Refusals
{
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
    private static final int LINES_PER_MINUTE = 5;
    private static final long MINUTE_MS = 60_000;

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicLong windowStart = new AtomicLong();
    private final AtomicLong linesInWindow = new AtomicLong();

    public Refusals(final MeterRegistry registry)
    {
        this.registry = registry;
    }

    /** Counts a refusal, and logs it if the log has room this minute. */
    void refused(final int status, final String code, final String message)
    {
        counters.computeIfAbsent(status + " " + code, k -> Counter.builder("readstates_refusals")
            .description("requests refused for bad input or a missing credential")
            .tag("status", String.valueOf(status)).tag("code", code).register(registry)).increment();
        final long now = System.currentTimeMillis();
        final long start = windowStart.get();
        if (now - start >= MINUTE_MS && windowStart.compareAndSet(start, now))
        {
            linesInWindow.set(0);
        }
        if (linesInWindow.incrementAndGet() <= LINES_PER_MINUTE)
        {
            LOG.info("refused a request: {} {}: {}", status, code, message);
        }
    }
}
