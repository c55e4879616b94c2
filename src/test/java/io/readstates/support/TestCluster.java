package io.readstates.support;

import io.readstates.persist.LocalRedis;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A cluster of service processes on loopback, each its own JVM on free ports, sharing a Redis of the
 * test's own. Closing it stops every process it started, whatever state they are in.
 */
public final class TestCluster implements AutoCloseable
{
    /** Short enough for tests, long enough that a busy machine does not declare a live node dead. */
    public static final long FAILURE_TIMEOUT_MS = 4_000;

    private final RedisFixture redis;
    private final List<Map<String, String>> envs = new ArrayList<>();
    private final ServiceProcess[] nodes;

    private TestCluster(final RedisFixture.Kind redisKind, final List<Map<String, String>> extras) throws IOException
    {
        final int size = extras.size();
        redis = redisKind.start();
        nodes = new ServiceProcess[size];
        final List<Integer> clusterPorts = new ArrayList<>();
        for (int i = 0; i < size; i++)
        {
            clusterPorts.add(LocalRedis.freePort());
        }
        final String members = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        for (int i = 0; i < size; i++)
        {
            final Map<String, String> env = new HashMap<>();
            env.put("READSTATES_HTTP_PORT", String.valueOf(LocalRedis.freePort()));
            env.putAll(redis.env());
            env.put("READSTATES_SHARDS", "2");
            env.put("READSTATES_CLUSTER_MEMBERS", members);
            env.put("READSTATES_CLUSTER_SECRET", "a-cluster-secret-for-tests");
            env.put("READSTATES_CLUSTER_HOST", "127.0.0.1");
            env.put("READSTATES_CLUSTER_PORT", String.valueOf(clusterPorts.get(i)));
            env.put("READSTATES_CLUSTER_FAILURE_TIMEOUT_MS", String.valueOf(FAILURE_TIMEOUT_MS));
            env.putAll(extras.get(i));
            envs.add(env);
        }
    }

    /** Starts {@code size} nodes at once and waits until they form one cluster that serves every slot. */
    public static TestCluster start(final int size, final Map<String, String> extra) throws Exception
    {
        return start(RedisFixture.Kind.SERVER, size, extra);
    }

    /** {@link #start(int, Map)} on the given kind of Redis. */
    public static TestCluster start(final RedisFixture.Kind redisKind, final int size, final Map<String, String> extra)
        throws Exception
    {
        return start(redisKind, Collections.nCopies(size, extra));
    }

    /** A node for each map of settings, each on top of the cluster's own, on the given kind of Redis. */
    public static TestCluster start(final RedisFixture.Kind redisKind, final List<Map<String, String>> nodeSettings)
        throws Exception
    {
        final int size = nodeSettings.size();
        final TestCluster cluster = new TestCluster(redisKind, nodeSettings);
        try
        {
            for (int i = 0; i < size; i++)
            {
                cluster.nodes[i] = ServiceProcess.launch(cluster.envs.get(i));
            }
            cluster.awaitFormed(size);
        }
        catch (final Exception | AssertionError e)
        {
            // The nodes take their logs with them: keep them with the failure.
            System.out.println("the cluster did not form: " + e.getMessage());
            System.out.println(cluster.logs());
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public RedisFixture redis()
    {
        return redis;
    }

    public ServiceProcess node(final int i)
    {
        return nodes[i];
    }

    /** The API of node {@code i}; a request may take 30 s, as three JVMs and Redis share two cores. */
    public Api api(final int i)
    {
        return new Api(nodes[i].port(), RunningService.TOKEN).withTimeout(java.time.Duration.ofSeconds(30));
    }

    public int size()
    {
        return nodes.length;
    }

    /** Starts node {@code i} again, on the same ports, after it stopped. */
    public void restart(final int i) throws Exception
    {
        nodes[i] = ServiceProcess.launch(envs.get(i));
    }

    /**
     * Waits until node {@code via} sees {@code members} members that answer, serving 1,024 slots between
     * them, each slot once.
     *
     * @return the cluster view that showed it
     */
    public JsonObject awaitServing(final int via, final int members, final long timeoutMs)
    {
        return awaitServing(api(via), "node " + via, members, timeoutMs);
    }

    /** {@link #awaitServing(int, int, long)}, through any node's API. */
    static JsonObject awaitServing(final Api api, final String via, final int members, final long timeoutMs)
    {
        return Await.value(via + " to see " + members + " members serving every slot", timeoutMs, () ->
        {
            try
            {
                final Api.Reply reply = api.get("/v1/cluster");
                return reply.status() == 200 ? reply.json() : new JsonObject();
            }
            catch (final IllegalStateException notYet)
            {
                return new JsonObject();
            }
        }, view -> view.containsKey("members") && view.getJsonArray("members").size() == members &&
            view.getJsonArray("members").stream().mapToInt(m -> ((JsonObject)m).getInteger("slots", 0) == null ? 0 :
                ((JsonObject)m).getInteger("slots", 0)).sum() == io.readstates.ownership.Slots.COUNT);
    }

    private void awaitFormed(final int size)
    {
        for (int i = 0; i < size; i++)
        {
            awaitServing(i, size, 60_000);
        }
    }

    /** @return users whose slot node {@code node} owns, by the slot map it answers, as a caller would route */
    public List<Long> usersOwnedBy(final int node, final int count)
    {
        final JsonObject view = api(node).get("/v1/cluster").json();
        final String target = view.getJsonObject("node").getString("address");
        final List<Long> users = new ArrayList<>();
        for (long user = 1; users.size() < count; user++)
        {
            final JsonObject slot = view.getJsonArray("slotMap").getJsonObject(io.readstates.ownership.Slots.of(user));
            if (slot.getString("owner").equals(target))
            {
                users.add(user);
            }
        }
        return users;
    }

    /** The logs of every node, for a failure's message. */
    public String logs()
    {
        final StringBuilder all = new StringBuilder();
        for (int i = 0; i < nodes.length; i++)
        {
            try
            {
                all.append("---- node ").append(i).append('\n').append(nodes[i] == null ? "" : nodes[i].output());
            }
            catch (final IOException e)
            {
                all.append("(unreadable: ").append(e).append(")\n");
            }
        }
        return all.toString();
    }

    /** Prints every node's log when the test failed, since the processes take their logs with them. */
    public void printLogsIf(final boolean failed)
    {
        if (failed)
        {
            System.out.println(logs());
        }
    }

    @Override
    public void close()
    {
        for (final ServiceProcess node : nodes)
        {
            if (node != null)
            {
                node.close();
            }
        }
        redis.close();
    }
}
