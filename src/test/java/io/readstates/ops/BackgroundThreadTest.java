package io.readstates.ops;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Work that must not delay the event loops runs below them. */
class BackgroundThreadTest
{
    @Test
    void shouldRunItsWorkAtTheLowestCpuPriorityAndLeaveOtherThreadsAlone() throws Exception
    {
        final int ours = niceOfThisThread();
        final CompletableFuture<Integer> seen = new CompletableFuture<>();
        final Thread thread = BackgroundThread.create("test-background", () -> seen.complete(niceOfThisThread()));
        thread.start();
        assertTrue(thread.isDaemon());
        assertEquals(BackgroundThread.NICE, seen.get(10, TimeUnit.SECONDS));
        assertEquals(ours, niceOfThisThread(), "the thread that started it keeps its priority");
    }

    /** The nice value of the calling thread: field 19 of its stat, counted after the parenthesised name. */
    private static int niceOfThisThread()
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[19 - 3]);
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
