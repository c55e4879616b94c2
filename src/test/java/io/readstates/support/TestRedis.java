package io.readstates.support;

import io.readstates.persist.LocalRedis;
import io.readstates.persist.RedisConnections;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own, on a free port with its data in a temporary directory, that the
 * test can stop and start again on the same data.
 */
public final class TestRedis implements AutoCloseable
{
    private final Path dir;
    private final int port;
    private volatile LocalRedis server;
    private Vertx vertx;
    private Redis client;

    public TestRedis() throws IOException
    {
        this.dir = Files.createTempDirectory("readstates-redis");
        this.port = LocalRedis.freePort();
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

    public void start() throws IOException
    {
        server = LocalRedis.start(dir, port);
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

    public void stop()
    {
        closeClient();
        server.close();
    }

    /** @return the fields of a hash, read straight from Redis. */
    public Map<String, String> hash(final String key) throws Exception
    {
        final Response response = send(Request.cmd(Command.HGETALL).arg(key));
        final Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < response.size(); i += 2)
        {
            fields.put(response.get(i).toString(), response.get(i + 1).toString());
        }
        return fields;
    }

    /** {@link #hash}, for where a checked exception cannot go, such as an {@link Await} probe. */
    public Map<String, String> hashOrFail(final String key)
    {
        try
        {
            return hash(key);
        }
        catch (final Exception e)
        {
            throw new IllegalStateException("reading " + key + " from Redis failed", e);
        }
    }

    public Response send(final Request request) throws Exception
    {
        if (client == null)
        {
            vertx = Vertx.vertx();
            client = RedisConnections.create(vertx, url());
        }
        return client.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void closeClient()
    {
        if (vertx != null)
        {
            vertx.close();
            vertx = null;
            client = null;
        }
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
