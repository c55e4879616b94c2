package io.readstates.load;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What else used the machine's CPUs, second by second, read from /proc: the CPU time of every process
 * but the ones measured (the service, its Redis, this tool), kernel threads included, and the time the
 * hypervisor stole. A second in which the others used more than {@value #MAX_OTHERS_PERCENT}% of a core,
 * or steal passed {@value #MAX_STEAL_PERCENT}%, is contaminated: its latencies say more about the
 * neighbours than about the service. On a system without /proc it reports nothing.
 *
 * <p>The others' time is the sum of their own counters, not the machine's busy time less the measured
 * processes': the two are kept differently by the kernel (the machine's by sampling at each tick, a
 * process's scaled to the scheduler's exact run time), and their difference moved by 10% of a core and
 * more from one second to the next with a busy, many-threaded service. Interrupt time (the network's
 * soft interrupts, most of it the measured processes' own traffic) belongs to no process and is not
 * counted. A process that starts and ends between two samples is not seen.
 */
final class CpuAccount
{
    static final double MAX_OTHERS_PERCENT = 30;
    static final double MAX_STEAL_PERCENT = 10;
    /** Clock ticks per second of /proc's counters (USER_HZ), 100 on Linux. */
    static final double TICKS_PER_SECOND = 100;
    private static final Path PROC = Path.of("/proc");
    private static final Path STAT = PROC.resolve("stat");

    private final Set<Long> measured;
    /** CPU ticks of every other process at the last sample, by pid. */
    private Map<Long, Long> lastOthers = new HashMap<>();
    private long lastSteal;
    private long lastTotal;
    private long lastNanos;
    private double othersPercent;
    private double stealPercent;

    /** @param measuredPids the processes whose CPU is the measurement's own (this tool's is added) */
    CpuAccount(final List<Long> measuredPids)
    {
        this.measured = new HashSet<>(measuredPids);
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
        final Map<Long, Long> others = othersTicks();
        long othersTicks = 0;
        for (final Map.Entry<Long, Long> other : others.entrySet())
        {
            // A process not there at the last sample started since: all of its time is this second's.
            othersTicks += Math.max(0, other.getValue() - lastOthers.getOrDefault(other.getKey(), 0L));
        }
        final long steal = cpu[0];
        final long total = cpu[1];
        if (lastNanos != 0)
        {
            final double seconds = (now - lastNanos) / 1e9;
            othersPercent = othersTicks / TICKS_PER_SECOND / seconds * 100;
            stealPercent = total == lastTotal ? 0 : 100.0 * (steal - lastSteal) / (total - lastTotal);
        }
        lastOthers = others;
        lastSteal = steal;
        lastTotal = total;
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

    /** @return steal ticks and all ticks of the machine, or null without /proc */
    private static long[] machine()
    {
        try
        {
            final String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
            final long total = allTicks(fields);
            final long steal = fields.length > 8 ? Long.parseLong(fields[8]) : 0;
            return new long[] {steal, total};
        }
        catch (final IOException | RuntimeException e)
        {
            return null;
        }
    }

    /** @return the CPU ticks so far of every process but the measured ones, by pid */
    private Map<Long, Long> othersTicks()
    {
        final Map<Long, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC))
        {
            for (final Path entry : entries)
            {
                final String name = entry.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0)))
                {
                    final long pid = Long.parseLong(name);
                    if (!measured.contains(pid))
                    {
                        ticks.put(pid, processTicks(pid));
                    }
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            // An unreadable /proc: the others count as idle, as without /proc.
        }
        return ticks;
    }

    /**
     * @return for each core, in order, its busy ticks and all its ticks so far (idle and I/O wait are
     * the only ticks not busy), or an empty array without /proc
     */
    static long[][] coreTicks()
    {
        try
        {
            return Files.readAllLines(STAT).stream().filter(line -> line.matches("cpu\\d+ .*")).map(line ->
            {
                final String[] fields = line.trim().split("\\s+");
                final long total = allTicks(fields);
                final long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
                return new long[] {total - idle, total};
            }).toArray(long[][]::new);
        }
        catch (final IOException | RuntimeException e)
        {
            return new long[0][];
        }
    }

    /** @return the ticks of a /proc/stat cpu line: user, nice, system, idle, I/O wait, interrupts, soft interrupts, steal */
    private static long allTicks(final String[] fields)
    {
        long total = 0;
        for (int i = 1; i < fields.length && i <= 8; i++)
        {
            total += Long.parseLong(fields[i]);
        }
        return total;
    }

    /** @return user and system ticks of a process and its threads, 0 if it is gone */
    static long processTicks(final long pid)
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
