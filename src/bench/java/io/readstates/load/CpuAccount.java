package io.readstates.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What else used the machine's CPUs, second by second, read from /proc: the CPU time of every process
 * but the ones measured (the service, its Redis, this tool), and the time the hypervisor stole. A
 * second in which the others used more than {@value #MAX_OTHERS_PERCENT}% of a core, or steal passed
 * {@value #MAX_STEAL_PERCENT}%, is contaminated: its latencies say more about the neighbours than
 * about the service. On a system without /proc it reports nothing.
 */
final class CpuAccount
{
    static final double MAX_OTHERS_PERCENT = 30;
    static final double MAX_STEAL_PERCENT = 10;
    /** Clock ticks per second of /proc's counters (USER_HZ), 100 on Linux. */
    private static final double TICKS_PER_SECOND = 100;
    private static final Path STAT = Path.of("/proc/stat");

    private final List<Long> measured;
    private long lastBusy;
    private long lastSteal;
    private long lastTotal;
    private long lastMeasuredBusy;
    private long lastNanos;
    private double othersPercent;
    private double stealPercent;

    /** @param measuredPids the processes whose CPU is the measurement's own (this tool's is added) */
    CpuAccount(final List<Long> measuredPids)
    {
        this.measured = new java.util.ArrayList<>(measuredPids);
        this.measured.add(ProcessHandle.current().pid());
        sample();
    }

    /** Takes this second's figures; then {@link #othersPercent()} and {@link #stealPercent()} describe it. */
    void sample()
    {
        final long now = System.nanoTime();
        final long[] cpu = machine();
        if (cpu == null)
        {
            return;
        }
        final long busy = cpu[0];
        final long steal = cpu[1];
        final long total = cpu[2];
        long measuredBusy = 0;
        for (final long pid : measured)
        {
            measuredBusy += processTicks(pid);
        }
        if (lastNanos != 0)
        {
            final double seconds = (now - lastNanos) / 1e9;
            othersPercent = Math.max(0, (busy - lastBusy) - (measuredBusy - lastMeasuredBusy)) / TICKS_PER_SECOND / seconds * 100;
            stealPercent = total == lastTotal ? 0 : 100.0 * (steal - lastSteal) / (total - lastTotal);
        }
        lastBusy = busy;
        lastSteal = steal;
        lastTotal = total;
        lastMeasuredBusy = measuredBusy;
        lastNanos = now;
    }

    /** @return the CPU the other processes used in the last second, in % of one core */
    double othersPercent()
    {
        return othersPercent;
    }

    /** @return the share of all CPU time the hypervisor stole in the last second, in % */
    double stealPercent()
    {
        return stealPercent;
    }

    boolean contaminated()
    {
        return othersPercent > MAX_OTHERS_PERCENT || stealPercent > MAX_STEAL_PERCENT;
    }

    /** @return busy ticks (all but idle, iowait and steal), steal ticks and all ticks, or null without /proc */
    private static long[] machine()
    {
        try
        {
            final String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length && i <= 8; i++)
            {
                total += Long.parseLong(fields[i]);
            }
            final long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            final long steal = fields.length > 8 ? Long.parseLong(fields[8]) : 0;
            return new long[] {total - idle - steal, steal, total};
        }
        catch (final IOException | RuntimeException e)
        {
            return null;
        }
    }

    /** @return user and system ticks of a process and its threads, 0 if it is gone */
    private static long processTicks(final long pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        catch (final IOException | RuntimeException e)
        {
            return 0;
        }
    }
}
