package io.readstates.support;

import io.readstates.persist.LocalRedis;
import io.readstates.persist.RedisTarget;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of the test's own: masters, with or without replicas, on loopback, each a redis-server
 * with its own data directory, joined by {@code redis-cli --cluster create}. Stopped and started again,
 * the nodes find each other through the cluster files they keep, and hold the same slots and data. A
 * master killed is replaced by its replica (a failover); started again, it comes back as a replica.
 */
public final class TestRedisCluster implements RedisFixture
{
    private static final long READY_TIMEOUT_MS = 30_000;
    /** How long a silent node is given before the others mark it failed; short, as tests wait for it. */
    private static final String NODE_TIMEOUT_MS = "2000";

    private final Path dir;
    private final int[] ports;
    private final LocalRedis[] servers;
    private final RedisProbe probe;
    private boolean created;

    public TestRedisCluster(final int masters) throws IOException
    {
        this(masters, 0);
    }

    public TestRedisCluster(final int masters, final int replicasPerMaster) throws IOException
    {
        this.dir = Files.createTempDirectory("readstates-redis-cluster");
        final int nodes = masters * (1 + replicasPerMaster);
        this.ports = new int[nodes];
        this.servers = new LocalRedis[nodes];
        for (int i = 0; i < nodes; i++)
        {
            ports[i] = freePortWithFreeBusPort();
        }
        this.probe = new RedisProbe(target());
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopServers, "test-redis-cluster-" + ports[0]));
        try
        {
            start();
            final List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            for (final int port : ports)
            {
                create.add("127.0.0.1:" + port);
            }
            create.addAll(List.of("--cluster-replicas", String.valueOf(replicasPerMaster), "--cluster-yes"));
            run(create);
            created = true;
            awaitReady();
        }
        catch (final IOException | RuntimeException e)
        {
            stopServers();
            throw e;
        }
    }

    @Override
    public RedisTarget target()
    {
        final List<String> urls = new ArrayList<>();
        for (final int port : ports)
        {
            urls.add("redis://127.0.0.1:" + port);
        }
        return RedisTarget.cluster(urls);
    }

    @Override
    public void start() throws IOException
    {
        for (int i = 0; i < ports.length; i++)
        {
            startNode(i);
        }
        if (created)
        {
            awaitReady();
        }
    }

    private void startNode(final int i) throws IOException
    {
        servers[i] = LocalRedis.start(dir.resolve("node-" + i), ports[i], List.of(
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", NODE_TIMEOUT_MS));
    }

    /**
     * Kills (SIGKILL) the master that holds {@code key}'s slot, as a lost machine would be: what it had
     * not replicated yet is gone.
     *
     * @return the node killed, for {@link #restart}
     */
    public int killMasterOf(final String key) throws IOException
    {
        final int slot = slotOf(key);
        final int master = masterOf(slot);
        if (master < 0)
        {
            throw new IOException("no running master holds slot " + slot);
        }
        run(List.of("kill", "-KILL", String.valueOf(servers[master].pid())));
        servers[master].close();
        servers[master] = null;
        return master;
    }

    /** Waits until a replica has taken {@code key}'s slot over, and every slot is served again. */
    public void awaitFailover(final String key) throws IOException
    {
        final int slot = slotOf(key);
        final long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (masterOf(slot) < 0)
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new IOException("no replica took slot " + slot + " over after " + READY_TIMEOUT_MS + " ms; see " + dir);
            }
            sleep(50);
        }
        awaitReady();
    }

    private int slotOf(final String key) throws IOException
    {
        for (int i = 0; i < ports.length; i++)
        {
            if (servers[i] != null)
            {
                return Integer.parseInt(run(List.of("redis-cli", "-p", String.valueOf(ports[i]), "cluster", "keyslot", key)).trim());
            }
        }
        throw new IOException("no node of the Redis Cluster runs");
    }

    /** @return the running node that is master of {@code slot} by its own account, or -1 */
    private int masterOf(final int slot) throws IOException
    {
        for (int i = 0; i < ports.length; i++)
        {
            if (servers[i] != null && role(i).startsWith("master") && holds(i, slot))
            {
                return i;
            }
        }
        return -1;
    }

    /** Starts a killed node again on what its files hold; it joins as a replica of the master that replaced it. */
    public void restart(final int node) throws IOException
    {
        startNode(node);
        awaitReady();
    }

    private String role(final int node) throws IOException
    {
        return run(List.of("redis-cli", "-p", String.valueOf(ports[node]), "role")).trim();
    }

    private boolean holds(final int node, final int slot) throws IOException
    {
        for (final String line : run(List.of("redis-cli", "-p", String.valueOf(ports[node]), "cluster", "nodes")).split("\n"))
        {
            final String[] fields = line.trim().split(" ");
            if (fields.length > 8 && fields[2].contains("myself"))
            {
                for (int f = 8; f < fields.length; f++)
                {
                    final String[] range = fields[f].split("-");
                    if (!range[0].startsWith("[") && slot >= Integer.parseInt(range[0]) &&
                        slot <= Integer.parseInt(range[range.length - 1]))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Override
    public void stop()
    {
        probe.close();
        stopServers();
    }

    private synchronized void stopServers()
    {
        for (int i = 0; i < servers.length; i++)
        {
            if (servers[i] != null)
            {
                servers[i].close();
                servers[i] = null;
            }
        }
    }

    @Override
    public Response send(final Request request) throws Exception
    {
        return probe.send(request);
    }

    /** @return how many keys each node holds, in the order of their ports */
    public List<Long> keysPerNode() throws IOException
    {
        final List<Long> counts = new ArrayList<>();
        for (final int port : ports)
        {
            counts.add(Long.parseLong(run(List.of("redis-cli", "-p", String.valueOf(port), "dbsize")).trim()));
        }
        return counts;
    }

    /** Waits until every node has every slot covered: the cluster takes writes. */
    private void awaitReady() throws IOException
    {
        final long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        for (int i = 0; i < ports.length; i++)
        {
            // Served (every slot has a master), and a replica is caught up with its master.
            while (servers[i] != null && (!run(List.of("redis-cli", "-p", String.valueOf(ports[i]), "cluster", "info"))
                .contains("cluster_state:ok") || role(i).startsWith("slave") && !role(i).contains("connected")))
            {
                if (System.currentTimeMillis() > deadline)
                {
                    throw new IOException("the Redis Cluster on ports from " + ports[0] + " is not ready after " +
                        READY_TIMEOUT_MS + " ms; see the logs in " + dir);
                }
                sleep(50);
            }
        }
    }

    private static String run(final List<String> command) throws IOException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0)
            {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        finally
        {
            process.destroy();
        }
    }

    /** A cluster node also listens on its port + 10000, for the other nodes. */
    private static int freePortWithFreeBusPort() throws IOException
    {
        while (true)
        {
            final int port = LocalRedis.freePort();
            if (port + 10_000 > 65_535)
            {
                continue;
            }
            try (ServerSocket bus = new ServerSocket(port + 10_000))
            {
                return port;
            }
            catch (final IOException taken)
            {
                // Try another.
            }
        }
    }

    private static void sleep(final long ms) throws IOException
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close()
    {
        stop();
    }
}
