package io.readstates.load;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the canaries saw (bench/canary.py): each is a process pinned to a core that asks to wake every
 * millisecond and writes, once a second, how late it woke at worst in the second before. /proc counts
 * neither the time a host takes a virtual CPU away without reporting steal nor anything else outside
 * this machine; a canary waking many milliseconds late does. A second in which a canary woke later than
 * the limit is contaminated. Optionally ({@code slowdown} above 0), so is one in which a canary took
 * longer than {@code slowdown} times its fastest second so far over its fixed piece of work: a core the
 * host slows makes everything on it slower without making a wake late. Off by default: on one day the
 * work took 1.6 times as long in 58% of a run's seconds while the latency measured in those seconds was
 * the same as in the others (see the README), so the work's time is recorded, not judged.
 *
 * <p>A canary writes the row of an epoch second just after it ends, so the tool can judge a second of
 * its own only once every canary has written a row for the last epoch second it overlaps: see
 * {@link #cover}. Read on one thread only (the timeline's).
 */
final class Canaries
{
    private final List<Path> files;
    /** Per file: how many bytes were read, the text of an unfinished last line, and its last second. */
    private final long[] read;
    private final StringBuilder[] unfinished;
    private final long[] lastSecond;
    /** The latest wake of any canary, by epoch second, in milliseconds. */
    private final TreeMap<Long, Double> latestBySecond = new TreeMap<>();
    /** The slowest canary's median time over its work, by epoch second, in microseconds. */
    private final TreeMap<Long, Double> workBySecond = new TreeMap<>();
    private double fastestWorkUs = Double.MAX_VALUE;
    private final double limitMs;
    private final double slowdown;

    /**
     * @param files the canaries' files, one per core; none for a run without canaries
     * @param limitMs a wake later than this, in milliseconds, contaminates its second
     * @param slowdown work this many times slower than the fastest second's contaminates its second; 0: never
     */
    Canaries(final List<Path> files, final double limitMs, final double slowdown)
    {
        this.files = List.copyOf(files);
        this.limitMs = limitMs;
        this.slowdown = slowdown;
        read = new long[files.size()];
        unfinished = new StringBuilder[files.size()];
        lastSecond = new long[files.size()];
        for (int i = 0; i < files.size(); i++)
        {
            unfinished[i] = new StringBuilder();
            lastSecond[i] = Long.MIN_VALUE;
        }
    }

    /**
     * @return the canaries named by {@code --canaries=FILE,FILE} with {@code --canaryLimitMs} (10 by default)
     * and {@code --canarySlowdown} (0, off)
     */
    static Canaries of(final Options options)
    {
        final List<Path> files = new ArrayList<>();
        for (final String file : options.text("canaries", "").split(","))
        {
            if (!file.isBlank())
            {
                files.add(Path.of(file.trim()));
            }
        }
        return new Canaries(files, options.decimal("canaryLimitMs", 10), options.decimal("canarySlowdown", 0));
    }

    boolean any()
    {
        return !files.isEmpty();
    }

    double limitMs()
    {
        return limitMs;
    }

    double slowdown()
    {
        return slowdown;
    }

    /** @return the fastest second's median time over the work of any canary so far, in microseconds */
    double fastestWorkUs()
    {
        return fastestWorkUs == Double.MAX_VALUE ? 0 : fastestWorkUs;
    }

    /** Reads the rows the canaries wrote since the last call. */
    void poll()
    {
        for (int i = 0; i < files.size(); i++)
        {
            if (!Files.exists(files.get(i)))
            {
                continue;
            }
            try (RandomAccessFile file = new RandomAccessFile(files.get(i).toFile(), "r"))
            {
                final long length = file.length();
                if (length <= read[i])
                {
                    continue;
                }
                final byte[] bytes = new byte[(int) (length - read[i])];
                file.seek(read[i]);
                file.readFully(bytes);
                read[i] = length;
                unfinished[i].append(new String(bytes, StandardCharsets.US_ASCII));
                takeLines(i);
            }
            catch (final IOException e)
            {
                throw new IllegalStateException("cannot read the canary's file " + files.get(i), e);
            }
        }
    }

    private void takeLines(final int canary)
    {
        final StringBuilder text = unfinished[canary];
        int start = 0;
        for (int end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", start))
        {
            // epoch second, wakes, latest wake in ms, wakes later than 2 ms, median time over the work in us
            final String[] fields = text.substring(start, end).split(",");
            final long second = Long.parseLong(fields[0]);
            latestBySecond.merge(second, Double.parseDouble(fields[2]), Math::max);
            final double work = Double.parseDouble(fields[4]);
            if (work > 0)
            {
                workBySecond.merge(second, work, Math::max);
                fastestWorkUs = Math.min(fastestWorkUs, work);
            }
            lastSecond[canary] = Math.max(lastSecond[canary], second);
            start = end + 1;
        }
        text.delete(0, start);
    }

    /** @return true when every canary has written its row of this epoch second (always, without canaries) */
    boolean cover(final long epochSecond)
    {
        for (final long last : lastSecond)
        {
            if (last < epochSecond)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the latest wake of any canary in the epoch seconds from {@code fromSecond} to {@code toSecond},
     * inclusive, in milliseconds; 0 without canaries or rows. Forgets the seconds before {@code fromSecond}.
     */
    double latestWakeMs(final long fromSecond, final long toSecond)
    {
        return worst(latestBySecond, fromSecond, toSecond);
    }

    /** @return the slowest median time over the work in those seconds, in microseconds; as {@link #latestWakeMs} */
    double slowestWorkUs(final long fromSecond, final long toSecond)
    {
        return worst(workBySecond, fromSecond, toSecond);
    }

    /** @return whether a second with these figures (see above) had its core gone or slowed */
    boolean contaminated(final double latestWakeMs, final double slowestWorkUs)
    {
        return latestWakeMs > limitMs || slowdown > 0 && slowestWorkUs > slowdown * fastestWorkUs();
    }

    private static double worst(final TreeMap<Long, Double> bySecond, final long fromSecond, final long toSecond)
    {
        bySecond.headMap(fromSecond).clear();
        double worst = 0;
        for (final Map.Entry<Long, Double> row : bySecond.subMap(fromSecond, true, toSecond, true).entrySet())
        {
            worst = Math.max(worst, row.getValue());
        }
        return worst;
    }
}
