package io.readstates.persist;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} process that the service (or a test) starts and stops itself, bound to
 * 127.0.0.1, with append-only persistence in a data directory so that its data survives restarts.
 */
public final class LocalRedis implements AutoCloseable
{
    private static final long START_TIMEOUT_MS = 10_000;
    /** How long one probe of the port waits for a connection while the server starts. */
    private static final int PROBE_TIMEOUT_MS = 200;

    /** redis-server binaries for other systems than Debian's packages serve, from the embedded-redis package. */
    private static final Map<String, String> BUNDLED = Map.of(
        "linux-amd64", "redis-server-6.2.6-v5-linux-amd64",
        "linux-arm64", "redis-server-6.2.7-linux-arm64",
        "mac-amd64", "redis-server-6.2.6-v5-darwin-amd64",
        "mac-arm64", "redis-server-6.2.6-v5-darwin-arm64",
        "windows-amd64", "redis-server-5.0.14.1-windows-amd64.exe");

    private final Process process;
    private final Process watchdog;
    private final int port;
    private final Path executable;

    private LocalRedis(final Process process, final Process watchdog, final int port, final Path executable)
    {
        this.process = process;
        this.watchdog = watchdog;
        this.port = port;
        this.executable = executable;
    }

    /** @return the redis-server binary that runs: from PATH, or bundled */
    public Path executable()
    {
        return executable;
    }

    /**
     * The redis-server bundled for this system, copied out once into {@code dataDir/bin}.
     *
     * @throws IOException if none is bundled for this system
     */
    private static Path bundled(final Path dataDir) throws IOException
    {
        final String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        final String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        final String system = (os.contains("mac") ? "mac" : os.contains("win") ? "windows" : "linux") + "-" +
            (arch.contains("aarch64") || arch.contains("arm64") ? "arm64" : "amd64");
        final String name = BUNDLED.get(system);
        final InputStream binary = name == null ? null : LocalRedis.class.getResourceAsStream("/" + name);
        if (binary == null)
        {
            throw new IOException("no redis-server on PATH, and none bundled for " + system + ": install Redis " +
                "(for example 'apt-get install redis-server') or set READSTATES_REDIS_URL to a Redis the service should use");
        }
        final Path target = dataDir.toAbsolutePath().resolve("bin").resolve(name);
        try (binary)
        {
            if (!Files.exists(target))
            {
                Files.createDirectories(target.getParent());
                final Path partial = Files.createTempFile(target.getParent(), name, ".part");
                Files.copy(binary, partial, StandardCopyOption.REPLACE_EXISTING);
                partial.toFile().setExecutable(true, true);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return target;
    }

    /** Starts redis-server from PATH on a free port. */
    public static LocalRedis start(final Path dataDir) throws IOException
    {
        return start(dataDir, freePort());
    }

    /**
     * Starts redis-server on the given port, keeping an append-only file in {@code dataDir}: the one on
     * PATH if there is one, else the one bundled with the service for this system.
     *
     * @throws IOException if there is neither, or it does not start listening in time.
     */
    public static LocalRedis start(final Path dataDir, final int port) throws IOException
    {
        return start(dataDir, port, List.of());
    }

    /** @param options more redis-server options, such as those of a cluster node */
    public static LocalRedis start(final Path dataDir, final int port, final List<String> options) throws IOException
    {
        Files.createDirectories(dataDir);
        final Optional<Path> onPath = findOnPath("redis-server");
        final Path executable = onPath.isPresent() ? onPath.get() : bundled(dataDir);
        final Path dir = dataDir.toAbsolutePath();
        final List<String> command = new ArrayList<>(List.of(executable.toString(),
            "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
            "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(options);
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        final LocalRedis redis = new LocalRedis(process, watchdog(process.pid()), port, executable);
        final long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!redis.listening())
        {
            if (!process.isAlive() || System.currentTimeMillis() > deadline)
            {
                redis.close();
                throw new IOException("redis-server did not start on port " + port + "; see " + dir.resolve("redis.log"));
            }
            try
            {
                Thread.sleep(20);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting redis-server", e);
            }
        }
        return redis;
    }

    /**
     * A small shell loop that stops the server (SIGTERM: it writes its append-only file first) as soon as
     * this JVM is gone, however it went: a SIGKILL or an OOM kill runs no shutdown hook, and a server
     * left behind would hold the port and the data directory.
     */
    private static Process watchdog(final long redisPid) throws IOException
    {
        final long self = ProcessHandle.current().pid();
        // Its own PATH: the service's may be empty (the bundled redis-server is used then).
        return new ProcessBuilder(List.of("/bin/sh", "-c", "PATH=/usr/bin:/bin; " +
            "while kill -0 " + self + " 2>/dev/null && kill -0 " + redisPid + " 2>/dev/null; do sleep 1; done; " +
            "kill -TERM " + redisPid + " 2>/dev/null"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    }

    public static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    private static Optional<Path> findOnPath(final String name)
    {
        final String path = System.getenv().getOrDefault("PATH", "");
        for (final String dir : path.split(File.pathSeparator))
        {
            final Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
            if (candidate != null && Files.isExecutable(candidate))
            {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private boolean listening()
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), PROBE_TIMEOUT_MS);
            return true;
        }
        catch (final IOException e)
        {
            return false;
        }
    }

    /** @return the server's process id */
    public long pid()
    {
        return process.pid();
    }

    public int port()
    {
        return port;
    }

    public String url()
    {
        return "redis://127.0.0.1:" + port;
    }

    /** @return completes when the server's process has exited, for whatever reason */
    public java.util.concurrent.CompletableFuture<Process> onExit()
    {
        return process.onExit();
    }

    /** Stops the server; on SIGTERM Redis flushes its append-only file before exiting. */
    @Override
    public void close()
    {
        watchdog.destroy();
        process.destroy();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor();
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
