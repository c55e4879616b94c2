package io.readstates.load;

import io.vertx.core.AsyncResult;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Latencies in microseconds into HdrHistogram: one histogram for the whole measurement, one per kind of
 * request if asked, and one per second written as a CSV timeline (second, completed, p50, p99, p99.9, max, errors, and
 * what judges the second: the others' CPU, steal, the canaries' latest wake and work). Recorded from one thread only. Each
 * second's row is finished on a thread of its own, which reads the CPU figures from /proc: that takes milliseconds,
 * and on the recording thread it would stall the load once a second. With canaries, a row waits there until every
 * canary has written the seconds it overlaps, about a second.
 */
final class Recorder
{
    private static final long MAX_US = 600_000_000L;

    private final Histogram total = latencies();
    private final Histogram second = latencies();
    /** Optional: one histogram per kind of request, for the summary; see {@link #byKind}. */
    private String[] kindNames = {};
    private Histogram[] kinds = {};
    private final PrintWriter timeline;
    private final CpuAccount cpu;
    private final Canaries canaries;
    /** Finishes the timeline's rows: samples the CPU, reads the canaries, counts contaminated seconds, writes. */
    private final ExecutorService rows = Executors.newSingleThreadExecutor(task ->
    {
        final Thread thread = new Thread(task, "timeline");
        thread.setDaemon(true);
        return thread;
    });
    /** Written on the rows' thread; read once it has finished. */
    private int contaminatedSeconds;
    private int canarySeconds;
    /** On the rows' thread: the rows that wait for the canaries. */
    private final ArrayDeque<Row> waiting = new ArrayDeque<>();
    private long errors;
    /** Errors by kind ("status 503", or the exception's class), for the summary. */
    private final Map<String, Long> errorKinds = new TreeMap<>();
    /** Set on the recording thread once the measurement is over; see {@link #freeze}. */
    private boolean frozen;
    private long unanswered;
    private long secondErrors;
    private int seconds;

    /**
     * @param options {@code --measuredPids}: the processes under measurement (the service, its Redis, the
     * canaries), every other process's CPU is accounted per second (see {@link CpuAccount}); {@code --canaries},
     * {@code --canaryLimitMs} and {@code --canarySlowdown}, see {@link Canaries}
     */
    Recorder(final Path timelineCsv, final Options options) throws IOException
    {
        timeline = timelineCsv == null ? null : new PrintWriter(Files.newBufferedWriter(timelineCsv));
        cpu = new CpuAccount(options.measuredPids());
        canaries = Canaries.of(options);
        if (timeline != null)
        {
            timeline.println("second,completed,p50_us,p99_us,p999_us,max_us,errors,others_cpu_pct,steal_pct,canary_ms,canary_work_us,contaminated");
        }
    }

    /** Also keeps the latencies of each kind of request apart, under these names, for the summary. */
    Recorder byKind(final String... names)
    {
        kindNames = names.clone();
        kinds = new Histogram[names.length];
        for (int i = 0; i < names.length; i++)
        {
            kinds[i] = latencies();
        }
        return this;
    }

    /** Records an HTTP answer to a request of the {@code kind}-th kind named in {@link #byKind}. */
    void record(final long latencyUs, final AsyncResult<Integer> answer, final int kind)
    {
        if (!frozen)
        {
            kinds[kind].recordValue(clamp(latencyUs));
        }
        record(latencyUs, answer);
    }

    /** An empty histogram of latencies in microseconds, as every figure of the tool keeps them. */
    static Histogram latencies()
    {
        return new Histogram(MAX_US, 3);
    }

    /** A latency brought into the range a histogram of {@link #latencies} holds. */
    static long clamp(final long latencyUs)
    {
        return Math.min(Math.max(1, latencyUs), MAX_US);
    }

    /** Records an HTTP answer: an error unless it succeeded with a status below 300. */
    void record(final long latencyUs, final AsyncResult<Integer> answer)
    {
        final String error = answer.failed() ? answer.cause().getClass().getSimpleName() :
            answer.result() >= 300 ? "status " + answer.result() : null;
        if (error != null && !frozen)
        {
            errorKinds.merge(error, 1L, Long::sum);
        }
        record(latencyUs, error == null);
    }

    void record(final long latencyUs, final boolean ok)
    {
        if (frozen)
        {
            unanswered++;
            return;
        }
        final long value = clamp(latencyUs);
        total.recordValue(value);
        second.recordValue(value);
        if (!ok)
        {
            errors++;
            secondErrors++;
        }
    }

    /**
     * Ends the measurement: what is recorded after this counts as unanswered. Called on the thread that
     * records, so that the histograms are never read while being written.
     */
    void freeze()
    {
        frozen = true;
    }

    /** @return true once {@link #freeze} was called; ask on the thread that records. */
    boolean isFrozen()
    {
        return frozen;
    }

    /**
     * Closes the current second of the timeline; its row is finished on the rows' thread. A second of the
     * warm-up ({@code measured} false) goes through the same work and is thrown away.
     */
    void tick(final boolean measured)
    {
        final String latencies = String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%d", seconds + 1, second.getTotalCount(),
            second.getValueAtPercentile(50), second.getValueAtPercentile(99), second.getValueAtPercentile(99.9),
            second.getMaxValue(), secondErrors);
        seconds += measured ? 1 : 0;
        second.reset();
        secondErrors = 0;
        final long endMs = System.currentTimeMillis();
        rows.execute(() ->
        {
            cpu.sample();
            if (measured)
            {
                waiting.add(new Row(latencies, cpu.othersPercent(), cpu.stealPercent(), cpu.contaminated(),
                    Math.floorDiv(endMs - 1000, 1000), Math.floorDiv(endMs - 1, 1000)));
            }
            writeRows(false);
        });
    }

    /** A second of the timeline, its CPU figures taken, and the epoch seconds it overlaps. */
    private record Row(String latencies, double othersPercent, double stealPercent, boolean cpuContaminated,
                       long fromSecond, long toSecond)
    {
    }

    /**
     * Writes the waiting rows that the canaries have covered, in order; {@code all} writes the rest too,
     * a second no canary covered counting as contaminated (a canary that wrote nothing for seconds was not
     * given its core).
     */
    private void writeRows(final boolean all)
    {
        canaries.poll();
        while (!waiting.isEmpty() && (all || canaries.cover(waiting.peek().toSecond())))
        {
            final Row row = waiting.remove();
            final boolean covered = canaries.cover(row.toSecond());
            final double latestWakeMs = canaries.latestWakeMs(row.fromSecond(), row.toSecond());
            final double slowestWorkUs = canaries.slowestWorkUs(row.fromSecond(), row.toSecond());
            final boolean byCanaries = canaries.any() && (!covered || canaries.contaminated(latestWakeMs, slowestWorkUs));
            final boolean contaminated = row.cpuContaminated() || byCanaries;
            contaminatedSeconds += contaminated ? 1 : 0;
            canarySeconds += byCanaries ? 1 : 0;
            if (timeline != null)
            {
                final String canary = !canaries.any() ? "," : !covered ? "missing,missing" :
                    String.format(Locale.ROOT, "%.1f,%.1f", latestWakeMs, slowestWorkUs);
                timeline.printf(Locale.ROOT, "%s,%.1f,%.1f,%s,%d%n", row.latencies(), row.othersPercent(),
                    row.stealPercent(), canary, contaminated ? 1 : 0);
                timeline.flush();
            }
        }
    }

    /** Waits for the last rows: after this, the timeline and the count of contaminated seconds are complete. */
    private void finishRows()
    {
        if (rows.isShutdown())
        {
            return;
        }
        rows.execute(() ->
        {
            // The canaries write a second's row just after it ends: give them that, and a little more.
            final long deadline = System.nanoTime() + 3_000_000_000L;
            while (!waiting.isEmpty() && !canaries.cover(waiting.peekLast().toSecond()) && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(50_000_000L);
                canaries.poll();
            }
            writeRows(true);
        });
        rows.shutdown();
        try
        {
            if (!rows.awaitTermination(30, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("the timeline's last rows were not written within 30 s");
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the timeline's last rows", e);
        }
    }

    Histogram total()
    {
        return total;
    }

    /** @return how the canaries judged the seconds, for the summary */
    private String canaryTest()
    {
        if (!canaries.any())
        {
            return ", no canaries";
        }
        final String slowdown = canaries.slowdown() > 0
            ? String.format(Locale.ROOT, " or worked more than %.1fx slower than its fastest second", canaries.slowdown())
            : "";
        return String.format(Locale.ROOT, ", or a canary woke more than %.0f ms late%s (fastest second's work %.1f us): " +
            "%d seconds by the canaries", canaries.limitMs(), slowdown, canaries.fastestWorkUs(), canarySeconds);
    }

    void summary(final PrintStream out, final String label, final double seconds)
    {
        finishRows();
        out.printf("%s: %d completed in %.0f s (%.0f/s), %d errors%n", label, total.getTotalCount(), seconds,
            total.getTotalCount() / seconds, errors);
        if (!errorKinds.isEmpty())
        {
            out.printf("  errors: %s%n", errorKinds.toString().replaceAll("[{}]", ""));
        }
        out.printf("  contaminated seconds: %d of %d (%.1f%%): other processes above %.0f%% of a core or steal above %.0f%%%s%n",
            contaminatedSeconds, this.seconds, this.seconds == 0 ? 0 : 100.0 * contaminatedSeconds / this.seconds,
            CpuAccount.MAX_OTHERS_PERCENT, CpuAccount.MAX_STEAL_PERCENT, canaryTest());
        if (unanswered > 0)
        {
            out.printf("  %d answered more than 2 s after the end, not counted%n", unanswered);
        }
        out.printf("  latency us: p50 %d  p90 %d  p99 %d  p99.9 %d  p99.99 %d  max %d%n",
            total.getValueAtPercentile(50), total.getValueAtPercentile(90), total.getValueAtPercentile(99),
            total.getValueAtPercentile(99.9), total.getValueAtPercentile(99.99), total.getMaxValue());
        for (int i = 0; i < kinds.length; i++)
        {
            final Histogram kind = kinds[i];
            if (kind.getTotalCount() > 0)
            {
                out.printf("  %-13s %5.1f%% of requests, in us: p50 %d  p90 %d  p99 %d  p99.9 %d  max %d%n", kindNames[i],
                    100.0 * kind.getTotalCount() / total.getTotalCount(), kind.getValueAtPercentile(50),
                    kind.getValueAtPercentile(90), kind.getValueAtPercentile(99), kind.getValueAtPercentile(99.9), kind.getMaxValue());
            }
        }
    }

    void close()
    {
        finishRows();
        if (timeline != null)
        {
            timeline.close();
        }
    }
}
