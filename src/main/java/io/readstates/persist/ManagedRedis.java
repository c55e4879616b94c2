package io.readstates.persist;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code redis-server} the service runs for itself when no Redis URL is set, with its data in a
 * directory that one service at a time may use: a lock on the directory says whose it is, and a
 * server that a dead service left behind there is stopped before a new one starts. If the server dies
 * while the service runs, it is started again (on the same port and data) with a growing delay; the
 * service keeps its changes in memory meanwhile, as during any outage of Redis.
 */
public final class ManagedRedis implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ManagedRedis.class);
    private static final String LOCK_FILE = "readstates.lock";
    private static final String PID_FILE = "redis-server.pid";
    private static final long FIRST_RESTART_DELAY_MS = 100;
    private static final long MAX_RESTART_DELAY_MS = 10_000;
    private static final long ORPHAN_STOP_TIMEOUT_S = 10;

    private final Path dataDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final int port;
    private volatile LocalRedis server;
    private volatile boolean closing;

    /** Another service holds the data directory. */
    public static final class DataDirInUse extends IOException
    {
        private static final long serialVersionUID = 1L;

        DataDirInUse(final Path dir)
        {
            super("another readstates process uses the data directory " + dir.toAbsolutePath() +
                " (dataDir, READSTATES_DATA_DIR); stop it or choose another directory");
        }
    }

    private ManagedRedis(final Path dataDir, final FileChannel lockChannel, final FileLock lock, final int port)
    {
        this.dataDir = dataDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.port = port;
    }

    /**
     * Takes the data directory, stops a server a dead service left in it, and starts one.
     *
     * @throws DataDirInUse if a live service holds the directory
     * @throws IOException if there is no redis-server on PATH or it does not start
     */
    public static ManagedRedis start(final Path dataDir) throws IOException
    {
        Files.createDirectories(dataDir);
        final FileChannel channel = FileChannel.open(dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        final FileLock lock = channel.tryLock();
        if (lock == null)
        {
            channel.close();
            throw new DataDirInUse(dataDir);
        }
        final ManagedRedis managed = new ManagedRedis(dataDir, channel, lock, LocalRedis.freePort());
        try
        {
            managed.stopOrphan();
            managed.launch();
            return managed;
        }
        catch (final IOException e)
        {
            managed.close();
            throw e;
        }
    }

    public String url()
    {
        return "redis://127.0.0.1:" + port;
    }

    /** A redis-server whose pid a dead service recorded, if it still runs, is stopped (it saves its data first). */
    private void stopOrphan() throws IOException
    {
        final Path pidFile = dataDir.resolve(PID_FILE);
        if (!Files.exists(pidFile))
        {
            return;
        }
        final Optional<ProcessHandle> orphan = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
            // Debian's redis-server is a link to redis-check-rdb, so the command names Redis but not always the server.
            .filter(p -> (p.info().command().orElse("") + p.info().commandLine().orElse("")).contains("redis"));
        if (orphan.isPresent())
        {
            LOG.warn("stopping the redis-server (pid {}) that an earlier run left in {}", orphan.get().pid(), dataDir);
            orphan.get().destroy();
            try
            {
                orphan.get().onExit().get(ORPHAN_STOP_TIMEOUT_S, TimeUnit.SECONDS);
            }
            catch (final Exception e)
            {
                orphan.get().destroyForcibly();
            }
        }
        Files.delete(pidFile);
    }

    private void launch() throws IOException
    {
        final LocalRedis started = LocalRedis.start(dataDir, port);
        LOG.info("redis-server: {}", started.executable());
        Files.writeString(dataDir.resolve(PID_FILE), String.valueOf(started.pid()));
        server = started;
        started.onExit().thenRun(() -> exited(started, FIRST_RESTART_DELAY_MS));
    }

    /** The server exited while the service runs: start it again, waiting longer after each failure. */
    private void exited(final LocalRedis gone, final long delayMs)
    {
        if (closing || server != gone)
        {
            return;
        }
        LOG.warn("the managed redis-server on port {} exited; starting it again in {} ms", port, delayMs);
        final Thread restart = new Thread(() ->
        {
            try
            {
                Thread.sleep(delayMs);
                if (!closing)
                {
                    launch();
                    LOG.info("the managed redis-server on port {} runs again", port);
                }
            }
            catch (final IOException e)
            {
                LOG.warn("the managed redis-server did not start: {}", e.getMessage());
                exited(gone, Math.min(MAX_RESTART_DELAY_MS, delayMs * 2));
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }, "managed-redis-restart");
        restart.setDaemon(true);
        restart.start();
    }

    /** Stops the server and lets go of the data directory. */
    @Override
    public void close()
    {
        closing = true;
        final LocalRedis current = server;
        if (current != null)
        {
            current.close();
        }
        try
        {
            Files.deleteIfExists(dataDir.resolve(PID_FILE));
            lock.release();
            lockChannel.close();
        }
        catch (final IOException e)
        {
            LOG.warn("could not release the data directory {}: {}", dataDir, e.getMessage());
        }
    }
}
