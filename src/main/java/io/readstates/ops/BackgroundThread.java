package io.readstates.ops;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A thread for work that must never delay a request or a push: at start it lowers its own CPU priority
 * to the lowest the kernel has (nice 19), so that on a core it shares with an event loop the loop runs
 * first whenever it has work. Java has no call for a thread's nice value; Linux keeps one per thread
 * and {@code renice} sets it by thread id. Where that is not possible the thread runs at the normal
 * priority, and says so once.
 */
final class BackgroundThread
{
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundThread.class);
    static final int NICE = 19;

    private BackgroundThread()
    {
    }

    /** @return a daemon thread named {@code name} that runs {@code work} at the lowest priority */
    static Thread create(final String name, final Runnable work)
    {
        final Thread thread = new Thread(() ->
        {
            lowerPriority(name);
            work.run();
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void lowerPriority(final String name)
    {
        try
        {
            // /proc/thread-self links to /proc/<pid>/task/<tid>.
            final String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            final Process renice = new ProcessBuilder("renice", "-n", String.valueOf(NICE), "-p", tid)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(5, TimeUnit.SECONDS) || renice.exitValue() != 0)
            {
                renice.destroy();
                LOG.warn("{} runs at the normal CPU priority: renice failed", name);
            }
        }
        catch (final IOException | UnsupportedOperationException e)
        {
            LOG.warn("{} runs at the normal CPU priority: {}", name, e.toString());
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
