package io.readstates.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the off-heap store sits on huge pages. A lookup lands on a random line of hundreds of
 * megabytes; on 4 KiB pages nearly every such line also misses the TLB, and the walk of the page tables
 * adds to the miss of the line. Java cannot ask for huge pages for memory it allocates off its heap, but glibc can: started
 * with {@value #TUNABLE} in {@code GLIBC_TUNABLES}, its large allocations are advised to the kernel's
 * transparent huge pages (which must be {@code madvise} or {@code always}). This reads what the process
 * got, so that the start-up log says whether the advice took.
 */
public final class HugePages
{
    /** The glibc tunable that puts large allocations, the store's tables among them, on transparent huge pages. */
    public static final String TUNABLE = "glibc.malloc.hugetlb=1";

    private static final Pattern ANON_HUGE_PAGES = Pattern.compile("(?m)^AnonHugePages:\\s+(\\d+) kB$");
    private static final Pattern SELECTED_MODE = Pattern.compile("\\[(\\w+)]");
    private static final long MIB = 1L << 20;

    private HugePages()
    {
    }

    /** @return bytes of this process's memory on transparent huge pages, or -1 where the system does not say */
    public static long ofProcess()
    {
        return anonHugePages(read(Path.of("/proc/self/smaps_rollup")));
    }

    /**
     * A line for the start-up log about a store of {@code storeBytes}.
     *
     * @param hugeBytes the process's bytes on huge pages ({@link #ofProcess}), -1 if unknown
     * @param tunables the process's {@code GLIBC_TUNABLES}, null if unset
     * @return null when the store is on huge pages; else what is missing and how to have it
     */
    public static String advice(final long storeBytes, final long hugeBytes, final String tunables)
    {
        if (hugeBytes >= storeBytes / 2)
        {
            return null;
        }
        final String mode = selectedMode(read(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")));
        return "the off-heap store (" + storeBytes / MIB + " MiB) is not on huge pages (" +
            (hugeBytes < 0 ? "this system does not report them" : "the process has " + hugeBytes / MIB + " MiB on them") +
            "; transparent huge pages: " + (mode == null ? "unknown" : mode) +
            "; GLIBC_TUNABLES: " + (tunables == null || tunables.isEmpty() ? "unset" : tunables) +
            "): start the service with GLIBC_TUNABLES=" + TUNABLE + ", transparent huge pages madvise or always, " +
            "for a faster store (docs/design.md, Huge pages)";
    }

    /** @return the AnonHugePages of an smaps file in bytes, or -1 if it has none */
    static long anonHugePages(final String smaps)
    {
        final Matcher m = ANON_HUGE_PAGES.matcher(smaps == null ? "" : smaps);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    /** @return the mode between brackets in a kernel setting such as {@code always [madvise] never}, or null */
    static String selectedMode(final String setting)
    {
        final Matcher m = SELECTED_MODE.matcher(setting == null ? "" : setting);
        return m.find() ? m.group(1) : null;
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException | SecurityException e)
        {
            return null;
        }
    }
}
