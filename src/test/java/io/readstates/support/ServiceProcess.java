package io.readstates.support;

import io.readstates.persist.LocalRedis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The service as its own process, started the way the run command starts it, stopped with SIGTERM. */
public final class ServiceProcess implements AutoCloseable
{
    private final Process process;
    private final String host;
    private final int port;
    private final Path log;

    private ServiceProcess(final Process process, final String host, final int port, final Path log)
    {
        this.process = process;
        this.host = host;
        this.port = port;
        this.log = log;
    }

    /** Starts the service and waits until it answers. */
    public static ServiceProcess start(final Map<String, String> env) throws Exception
    {
        final ServiceProcess service = launch(env);
        try
        {
            service.awaitServing();
        }
        catch (final RuntimeException | AssertionError e)
        {
            // The caller never gets the process to close: stop it here, however the wait failed.
            service.close();
            throw e;
        }
        return service;
    }

    /** Starts the service without waiting for it; {@code env} may set its port. */
    public static ServiceProcess launch(final Map<String, String> env) throws Exception
    {
        return launch(env, List.of(), "127.0.0.1");
    }

    /**
     * Starts the service without waiting for it, its command after {@code prefix} (such as
     * {@code ip netns exec <namespace>}, which runs it in a network namespace), answering at {@code host}.
     */
    public static ServiceProcess launch(final Map<String, String> env, final List<String> prefix, final String host)
        throws Exception
    {
        final int port = env.containsKey("READSTATES_HTTP_PORT") ? Integer.parseInt(env.get("READSTATES_HTTP_PORT")) :
            LocalRedis.freePort();
        final Path log = Files.createTempFile("readstates-service", ".log");
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = new java.util.ArrayList<>(prefix);
        command.addAll(List.of(java, "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Dreadstates.checkOwner=true",
            "-cp", System.getProperty("java.class.path"), "io.readstates.Main"));
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().put("READSTATES_HTTP_PORT", String.valueOf(port));
        builder.environment().put("READSTATES_INTERNAL_TOKEN", RunningService.TOKEN);
        builder.environment().putAll(env);
        final Process process = builder.start();
        // However the test ends, even with its clean-up skipped or failing, the service does not outlive
        // the test's JVM (a SIGKILL of that JVM excepted).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> process.destroyForcibly(), "service-" + port));
        return new ServiceProcess(process, host, port, log);
    }

    /** @return the exit status; fails if the process does not exit within {@code timeoutMs} */
    public int awaitExit(final long timeoutMs) throws InterruptedException
    {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
        {
            throw new IllegalStateException("the service did not exit within " + timeoutMs + " ms");
        }
        return process.exitValue();
    }

    /** Sends a signal, such as STOP or CONT, to the process. */
    public void signal(final String name) throws Exception
    {
        final Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0)
        {
            throw new IllegalStateException("kill -" + name + " failed");
        }
    }

    public int port()
    {
        return port;
    }

    /** Kills the process as the kernel's OOM killer would: SIGKILL, no shutdown hook. */
    public void kill() throws InterruptedException
    {
        process.destroyForcibly().waitFor();
    }

    private void awaitServing()
    {
        final Api api = api().withTimeout(java.time.Duration.ofSeconds(2));
        Await.value("the service to answer on port " + port, 30_000, () ->
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("the service exited: " + outputOrNothing());
            }
            try
            {
                return "answered " + api.get("/v1/users/1/badges").status();
            }
            catch (final IllegalStateException notYet)
            {
                return "not yet: " + notYet.getMessage();
            }
        }, seen -> seen.startsWith("answered"));
    }

    public Api api()
    {
        return new Api(host, port, RunningService.TOKEN);
    }

    private String outputOrNothing()
    {
        try
        {
            return output();
        }
        catch (final IOException e)
        {
            return "(its output could not be read: " + e + ")";
        }
    }

    public String output() throws IOException
    {
        return Files.readString(log);
    }

    /** Sends SIGTERM and waits for the process to exit; @return its exit code. */
    public int terminate() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IllegalStateException("the service did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            try
            {
                // A paused process takes no SIGKILL until it runs again.
                signal("CONT");
                process.destroyForcibly().waitFor();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            catch (final Exception e)
            {
                process.destroyForcibly();
            }
        }
    }
}
