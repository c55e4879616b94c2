package io.readstates.ops;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the start-up log says about huge pages under the store. */
class HugePagesTest
{
    private static final long MIB = 1L << 20;

    @Test
    void shouldReadTheProcesssHugePagesFromItsSmaps()
    {
        final String smaps = "55d0c0a00000-7ffc4e5f1000 ---p 00000000 00:00 0    [rollup]\n" +
            "Rss:              412340 kB\n" +
            "AnonHugePages:    393216 kB\n" +
            "ShmemPmdMapped:        0 kB\n";
        assertEquals(393216L * 1024, HugePages.anonHugePages(smaps));
        assertEquals(-1, HugePages.anonHugePages("Rss: 1 kB\n"), "a kernel that does not count them");
        assertEquals(-1, HugePages.anonHugePages(null), "no /proc at all");
    }

    @Test
    void shouldReadTheSelectedTransparentHugePageMode()
    {
        assertEquals("madvise", HugePages.selectedMode("always [madvise] never\n"));
        assertNull(HugePages.selectedMode(null));
    }

    @Test
    void shouldSayNothingWhenTheStoreIsOnHugePages()
    {
        assertNull(HugePages.advice(256 * MIB, 260 * MIB, HugePages.TUNABLE));
    }

    @Test
    void shouldSayWhatIsMissingAndHowToHaveItWhenTheStoreIsNot()
    {
        final String advice = HugePages.advice(256 * MIB, 0, null);
        assertTrue(advice.contains("256 MiB"), advice);
        assertTrue(advice.contains("GLIBC_TUNABLES: unset"), advice);
        assertTrue(advice.contains("GLIBC_TUNABLES=" + HugePages.TUNABLE), advice);
        assertTrue(HugePages.advice(256 * MIB, 0, "").contains("GLIBC_TUNABLES: unset"), "set empty");
        assertTrue(HugePages.advice(256 * MIB, -1, null).contains("does not report"), "a system without /proc");
    }
}
