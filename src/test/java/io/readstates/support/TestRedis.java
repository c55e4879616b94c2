package io.readstates.support;

import io.readstates.persist.LocalRedis;
import io.readstates.persist.RedisTarget;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A redis-server of the test's own, on a free port with its data in a temporary directory, that the
 * test can stop and start again on the same data.
 */
public final class TestRedis implements RedisFixture
{
    private final Path dir;
    private final int port;
    private volatile LocalRedis server;
    private final RedisProbe probe;
    private final List<String> options;

    public TestRedis() throws IOException
    {
        this(List.of());
    }

    /** @param options more redis-server options */
    private TestRedis(final List<String> options) throws IOException
    {
        this.options = options;
        this.dir = Files.createTempDirectory("readstates-redis");
        this.port = LocalRedis.freePort();
        this.probe = new RedisProbe(target());
        start();
        // However the test ends, even with its clean-up failing, the server does not outlive the JVM.
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            if (server != null)
            {
                server.close();
            }
        }, "test-redis-" + port));
    }

    public String url()
    {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public RedisTarget target()
    {
        return RedisTarget.server(url());
    }

    @Override
    public void start() throws IOException
    {
        server = LocalRedis.start(dir, port, options);
    }

    /** @return a replica of this server, started, which the caller closes */
    public TestRedis replica() throws IOException
    {
        return new TestRedis(List.of("--replicaof", "127.0.0.1", String.valueOf(port)));
    }

    /** Freezes the server (SIGSTOP): it keeps its connections open and answers nothing, as a stalled Redis does. */
    public void pause() throws Exception
    {
        signal("-STOP");
    }

    /** Lets a paused server go on (SIGCONT). */
    public void resume() throws Exception
    {
        signal("-CONT");
    }

    private void signal(final String signal) throws Exception
    {
        final int status = new ProcessBuilder("kill", signal, String.valueOf(server.pid())).inheritIO().start().waitFor();
        if (status != 0)
        {
            throw new IllegalStateException("kill " + signal + " failed with status " + status);
        }
    }

    @Override
    public void stop()
    {
        probe.close();
        server.close();
    }

    @Override
    public Response send(final Request request) throws Exception
    {
        return probe.send(request);
    }

    @Override
    public void close()
    {
        try
        {
            resume();
        }
        catch (final Exception alreadyGone)
        {
            // Nothing to resume: it was not paused, or it is stopped already.
        }
        stop();
    }
}
