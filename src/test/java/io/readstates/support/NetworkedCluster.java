package io.readstates.support;

import io.readstates.persist.RedisLayout;
import io.readstates.persist.RedisTarget;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Nodes of a cluster, each in a network namespace of its own, joined by one bridge, and a Redis on the
 * bridge: a cluster whose links a test cuts, one way or both, with iptables in the namespaces. The test
 * reaches every node over the bridge, whatever is cut between nodes. Needs root, {@code ip} and
 * {@code iptables}; everything it makes it removes, and every process it starts it stops, also when the
 * test fails.
 */
public final class NetworkedCluster implements AutoCloseable
{
    /** Short enough for tests, long enough that a busy machine does not declare a live node dead. */
    public static final long FAILURE_TIMEOUT_MS = 4_000;
    private static final int HTTP_PORT = 8080;
    private static final int CLUSTER_PORT = 5701;

    private final String tag = "rs" + ProcessHandle.current().pid() % 100_000;
    private final String subnet = "10.213." + (ProcessHandle.current().pid() % 250 + 1);
    private final String bridge = tag + "b";
    private final List<String> namespaces = new ArrayList<>();
    private final List<ServiceProcess> nodes = new ArrayList<>();
    private final List<Map<String, String>> envs = new ArrayList<>();
    private Process redis;
    private Path redisDir;
    private RedisProbe probe;

    private NetworkedCluster()
    {
    }

    /** @return true if this machine lets a test make namespaces and cut links: root, ip and iptables */
    public static boolean available()
    {
        try
        {
            return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim()) &&
                new ProcessBuilder("ip", "-V").start().waitFor() == 0 &&
                new ProcessBuilder("iptables", "--version").start().waitFor() == 0;
        }
        catch (final IOException e)
        {
            return false;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts {@code size} nodes, each in its own namespace, and waits until they serve every slot. */
    public static NetworkedCluster start(final int size, final Map<String, String> extra) throws Exception
    {
        final NetworkedCluster cluster = new NetworkedCluster();
        try
        {
            cluster.build(size, extra);
            for (int i = 0; i < size; i++)
            {
                cluster.awaitServing(i, size, 90_000);
            }
            return cluster;
        }
        catch (final Exception | AssertionError e)
        {
            System.out.println("the networked cluster did not form: " + e.getMessage());
            System.out.println(cluster.logs());
            cluster.close();
            throw e;
        }
    }

    private String ip(final int node)
    {
        return subnet + "." + (11 + node);
    }

    private void build(final int size, final Map<String, String> extra) throws Exception
    {
        run("ip", "link", "add", bridge, "type", "bridge");
        run("ip", "addr", "add", subnet + ".1/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
        final StringBuilder members = new StringBuilder();
        for (int i = 0; i < size; i++)
        {
            final String ns = tag + "n" + i;
            final String outer = tag + "v" + i;
            run("ip", "netns", "add", ns);
            namespaces.add(ns);
            run("ip", "link", "add", outer, "type", "veth", "peer", "name", "eth0", "netns", ns);
            run("ip", "link", "set", outer, "master", bridge);
            run("ip", "link", "set", outer, "up");
            inNamespace(i, "ip", "addr", "add", ip(i) + "/24", "dev", "eth0");
            inNamespace(i, "ip", "link", "set", "eth0", "up");
            inNamespace(i, "ip", "link", "set", "lo", "up");
            members.append(i == 0 ? "" : ",").append(ip(i)).append(':').append(CLUSTER_PORT);
        }
        final int redisPort = io.readstates.persist.LocalRedis.freePort();
        redisDir = Files.createTempDirectory("readstates-networked-redis");
        redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", subnet + ".1",
            "--save", "", "--appendonly", "no", "--dir", redisDir.toString(), "--protected-mode", "no")
            .redirectErrorStream(true).redirectOutput(redisDir.resolve("redis.log").toFile()).start();
        final Process started = redis;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        final String redisUrl = "redis://" + subnet + ".1:" + redisPort;
        probe = new RedisProbe(RedisTarget.server(redisUrl));
        Await.until("Redis on the bridge", 10_000, () ->
        {
            try
            {
                return probe.send(Request.cmd(Command.PING)) != null;
            }
            catch (final Exception notYet)
            {
                return false;
            }
        });
        for (int i = 0; i < size; i++)
        {
            final Map<String, String> env = new HashMap<>();
            env.put("READSTATES_HTTP_PORT", String.valueOf(HTTP_PORT));
            env.put("READSTATES_REDIS_URL", redisUrl);
            env.put("READSTATES_SHARDS", "2");
            env.put("READSTATES_CLUSTER_MEMBERS", members.toString());
            env.put("READSTATES_CLUSTER_SECRET", "a-cluster-secret-for-tests");
            env.put("READSTATES_CLUSTER_HOST", ip(i));
            env.put("READSTATES_CLUSTER_PORT", String.valueOf(CLUSTER_PORT));
            env.put("READSTATES_CLUSTER_FAILURE_TIMEOUT_MS", String.valueOf(FAILURE_TIMEOUT_MS));
            env.putAll(extra);
            envs.add(env);
            nodes.add(ServiceProcess.launch(env, List.of("ip", "netns", "exec", namespaces.get(i)), ip(i)));
        }
    }

    public int size()
    {
        return nodes.size();
    }

    /** Starts node {@code i} again, in its namespace, with its settings, after it stopped or was killed. */
    public void restart(final int i) throws Exception
    {
        nodes.set(i, ServiceProcess.launch(envs.get(i), List.of("ip", "netns", "exec", namespaces.get(i)), ip(i)));
    }

    /** @return the address node {@code i} answers at over the bridge */
    public String host(final int i)
    {
        return ip(i);
    }

    public ServiceProcess node(final int i)
    {
        return nodes.get(i);
    }

    /** The API of node {@code i}, over the bridge; a request may take 30 s, as the JVMs and Redis share two cores. */
    public Api api(final int i)
    {
        return nodes.get(i).api().withTimeout(java.time.Duration.ofSeconds(30));
    }

    public JsonObject awaitServing(final int via, final int members, final long timeoutMs)
    {
        return TestCluster.awaitServing(api(via), "node " + via, members, timeoutMs);
    }

    /** Node {@code to} no longer hears node {@code from}: every packet from one to the other is dropped. */
    public void cut(final int from, final int to) throws Exception
    {
        inNamespace(to, "iptables", "-A", "INPUT", "-s", ip(from), "-j", "DROP");
    }

    /** Cuts both ways between the two nodes. */
    public void isolate(final int a, final int b) throws Exception
    {
        cut(a, b);
        cut(b, a);
    }

    /** Every link works again. */
    public void heal() throws Exception
    {
        for (int i = 0; i < namespaces.size(); i++)
        {
            inNamespace(i, "iptables", "-F", "INPUT");
        }
    }

    /** @return a user's read states as Redis holds them, channel id to stored value */
    public Map<String, String> stored(final long userId) throws Exception
    {
        final Response hash = probe.send(Request.cmd(Command.HGETALL).arg(RedisLayout.userKey(userId)));
        final Map<String, String> fields = new HashMap<>();
        for (int i = 0; hash != null && i + 1 < hash.size(); i += 2)
        {
            fields.put(hash.get(i).toString(), hash.get(i + 1).toString());
        }
        return fields;
    }

    public String logs()
    {
        final StringBuilder all = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++)
        {
            try
            {
                all.append("---- node ").append(i).append('\n').append(nodes.get(i).output());
            }
            catch (final IOException e)
            {
                all.append("(unreadable: ").append(e).append(")\n");
            }
        }
        return all.toString();
    }

    private void inNamespace(final int node, final String... command) throws Exception
    {
        final List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespaces.get(node)));
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private static void run(final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void quietly(final String... command)
    {
        try
        {
            new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        }
        catch (final Exception ignored)
        {
            // Cleaning up: whatever is left, the next step removes with the namespace.
        }
    }

    @Override
    public void close()
    {
        nodes.forEach(ServiceProcess::close);
        if (probe != null)
        {
            probe.close();
        }
        if (redis != null)
        {
            redis.destroyForcibly();
        }
        for (final String ns : namespaces)
        {
            quietly("ip", "netns", "del", ns);
        }
        quietly("ip", "link", "del", bridge);
    }
}
