package io.readstates.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code -Xlog:gc*,safepoint} file: pauses (every "Pause ..." line of G1 or ZGC, with its
 * duration in ms) and the heap in use after the last collection and at its highest.
 */
final class GcLog
{
    /** G1: "[gc ] GC(3) Pause Young ... 12.3ms"; ZGC: "[gc,phases] GC(3) Y: Pause Mark Start 0.04ms" (Y, O: a major collection's young and old generations; y: a minor one). */
    private static final Pattern PAUSE = Pattern.compile("\\[gc(?:,phases)?\\s*\\] GC\\(\\d+\\) (?:[YyOo]: )?Pause .* ([0-9.]+)ms$");
    private static final Pattern SAFEPOINT = Pattern.compile("\\[safepoint\\s*\\].*Total: (\\d+) ns");
    private static final Pattern HEAP = Pattern.compile("(\\d+)M(?:\\(\\d+%\\))?->(\\d+)M");

    long pauses;
    double totalMs;
    double maxMs;
    long heapAfterLastMb;
    double longestSafepointMs;
    long heapPeakMb;

    static GcLog read(final Path file) throws IOException
    {
        final GcLog log = new GcLog();
        final List<String> lines = Files.readAllLines(file);
        for (final String line : lines)
        {
            final Matcher pause = PAUSE.matcher(line);
            if (pause.find())
            {
                final double ms = Double.parseDouble(pause.group(1));
                log.pauses++;
                log.totalMs += ms;
                log.maxMs = Math.max(log.maxMs, ms);
            }
            final Matcher safepoint = SAFEPOINT.matcher(line);
            if (safepoint.find())
            {
                log.longestSafepointMs = Math.max(log.longestSafepointMs, Long.parseLong(safepoint.group(1)) / 1e6);
            }
            if (line.contains("[gc ") || line.contains("[gc]"))
            {
                final Matcher heap = HEAP.matcher(line);
                if (heap.find())
                {
                    log.heapPeakMb = Math.max(log.heapPeakMb, Long.parseLong(heap.group(1)));
                    log.heapAfterLastMb = Long.parseLong(heap.group(2));
                }
            }
        }
        return log;
    }

    static void print(final Options options) throws IOException
    {
        final GcLog log = read(Path.of(options.text("file", "gc.log")));
        System.out.printf("gc pauses %d, total %.1f ms, longest %.2f ms, heap after last GC %d MB, heap peak %d MB, " +
            "longest safepoint %.2f ms%n", log.pauses, log.totalMs, log.maxMs, log.heapAfterLastMb, log.heapPeakMb,
            log.longestSafepointMs);
    }
}
