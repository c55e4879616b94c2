package io.readstates.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Latencies in microseconds into HdrHistogram: one histogram for the whole measurement, and one per
 * second written as a CSV timeline (second, completed, p50, p99, p99.9, max, errors). Used from one
 * thread only.
 */
final class Recorder
{
    private static final long MAX_US = 600_000_000L;

    private final Histogram total = new Histogram(MAX_US, 3);
    private final Histogram second = new Histogram(MAX_US, 3);
    private final PrintWriter timeline;
    private long errors;
    private long secondErrors;
    private int seconds;

    Recorder(final Path timelineCsv) throws IOException
    {
        timeline = timelineCsv == null ? null : new PrintWriter(Files.newBufferedWriter(timelineCsv));
        if (timeline != null)
        {
            timeline.println("second,completed,p50_us,p99_us,p999_us,max_us,errors");
        }
    }

    void record(final long latencyUs, final boolean ok)
    {
        final long value = Math.min(Math.max(1, latencyUs), MAX_US);
        total.recordValue(value);
        second.recordValue(value);
        if (!ok)
        {
            errors++;
            secondErrors++;
        }
    }

    /** Closes the current second of the timeline. */
    void tick()
    {
        seconds++;
        if (timeline != null)
        {
            timeline.printf("%d,%d,%d,%d,%d,%d,%d%n", seconds, second.getTotalCount(), second.getValueAtPercentile(50),
                second.getValueAtPercentile(99), second.getValueAtPercentile(99.9), second.getMaxValue(), secondErrors);
            timeline.flush();
        }
        second.reset();
        secondErrors = 0;
    }

    Histogram total()
    {
        return total;
    }

    void summary(final PrintStream out, final String label, final double seconds)
    {
        out.printf("%s: %d completed in %.0f s (%.0f/s), %d errors%n", label, total.getTotalCount(), seconds,
            total.getTotalCount() / seconds, errors);
        out.printf("  latency us: p50 %d  p90 %d  p99 %d  p99.9 %d  p99.99 %d  max %d%n",
            total.getValueAtPercentile(50), total.getValueAtPercentile(90), total.getValueAtPercentile(99),
            total.getValueAtPercentile(99.9), total.getValueAtPercentile(99.99), total.getMaxValue());
    }

    void close()
    {
        if (timeline != null)
        {
            timeline.close();
        }
    }
}
