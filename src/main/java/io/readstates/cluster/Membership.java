package io.readstates.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.HazelcastInstance;
import io.readstates.config.Settings;
import io.readstates.ownership.Node;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The members of the cluster, as Hazelcast sees them. Hazelcast does the membership (TCP-IP join,
 * heartbeats, failure detection, split-brain merging); this class configures it from the settings and
 * tells who is in. Each member carries, as attributes, its stable node name (owners are computed over
 * names, not over the engine's id, which is new at every start) and the port of its HTTP API, which
 * callers that route by themselves are given.
 */
public final class Membership
{
    private static final String HTTP_PORT = "readstates.httpPort";
    private static final String NAME = "readstates.name";
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private final HazelcastClusterManager manager;
    private final int httpPort;
    private final List<String> listed;
    /** Members not listed that were logged already: the view is read several times a second. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public Membership(final Settings settings)
    {
        this.httpPort = settings.httpPort;
        this.listed = settings.clusterMembers;
        this.manager = new HazelcastClusterManager(config(settings));
    }

    /**
     * @return this node's name: the setting (in Kubernetes, the pod's name), else its cluster address, which
     * is stable as long as the node comes back on the same host and port
     */
    public static String nodeName(final Settings settings)
    {
        if (settings.clusterNodeName != null)
        {
            return settings.clusterNodeName;
        }
        return (settings.clusterHost == null ? "localhost" : settings.clusterHost) + ":" + settings.clusterPort;
    }

    /** For Vert.x's clustered builder: the event bus runs over the same cluster. */
    public HazelcastClusterManager manager()
    {
        return manager;
    }

    private static Config config(final Settings settings)
    {
        final Config config = ConfigUtil.loadConfig();
        config.setClusterName(settings.clusterJoinName());
        config.getNetworkConfig().setPort(settings.clusterPort).setPortAutoIncrement(false);
        if (settings.clusterHost != null)
        {
            config.getNetworkConfig().setPublicAddress(settings.clusterHost + ":" + settings.clusterPort);
            config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(settings.clusterHost);
            config.setProperty("hazelcast.local.localAddress", settings.clusterHost);
        }
        final JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.clusterMembers);
        final long failureSeconds = Math.max(2, (settings.clusterFailureTimeoutMs + 999) / 1000);
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(failureSeconds));
        config.setProperty("hazelcast.heartbeat.failuredetector.type", "deadline");
        // A node that was cut off (paused, partitioned) finds the others again soon after it is back.
        config.setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(failureSeconds));
        config.setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(failureSeconds));
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "3");
        // The service leaves the cluster itself, after it has written its changes.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        // Idle upkeep. The engine's own metrics, health monitor and slow-operation detector run every few
        // seconds and are read by nothing here. Its data (claims, event-bus subscriptions) is a few entries:
        // 271 partitions, the default, are 271 to check in every anti-entropy round. Every member must use
        // the same partition count. (One I/O thread each way instead of three saved little, and a member
        // with a paused peer then once missed its other peer's heartbeats: they stay at three.)
        config.getMetricsConfig().setEnabled(false);
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.setProperty("hazelcast.slow.operation.detector.enabled", "false");
        config.setProperty("hazelcast.partition.count", "23");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.getMemberAttributeConfig().setAttribute(HTTP_PORT, String.valueOf(settings.httpPort));
        config.getMemberAttributeConfig().setAttribute(NAME, nodeName(settings));
        return config;
    }

    private HazelcastInstance hazelcast()
    {
        return manager.getHazelcastInstance();
    }

    /** @return this node */
    public Node self()
    {
        return node(hazelcast().getCluster().getLocalMember());
    }

    /**
     * @return the members now that the configuration lists, this node included, ordered by name. A member
     * that knows the secret but is not listed is in the engine's view and is left out here: it counts for no
     * quorum and is given no slot, so that a node started by mistake cannot tip a split.
     */
    public List<Node> members()
    {
        final List<Node> members = new ArrayList<>();
        for (final Member m : hazelcast().getCluster().getMembers())
        {
            if (isListed(listed, m.getAddress().getHost(), m.getAddress().getPort(), Membership::addressesOf))
            {
                members.add(node(m));
            }
            else if (warned.add(m.getAddress().toString()))
            {
                LOG.warn("{} joined the cluster but is not in clusterMembers: it is given no slot and counts for no quorum",
                    m.getAddress());
            }
        }
        members.sort(Comparator.comparing(Node::name));
        return members;
    }

    /**
     * @param listed the configured members, {@code host:port}, by name or address
     * @param resolve a listed host's addresses (a name that does not resolve lists nobody)
     * @return whether the member at {@code host:port} (an address, as the engine sees it) is listed
     */
    static boolean isListed(final List<String> listed, final String host, final int port,
        final Function<String, List<String>> resolve)
    {
        for (final String entry : listed)
        {
            final int colon = entry.lastIndexOf(':');
            final String entryHost = entry.substring(0, colon);
            if (Integer.parseInt(entry.substring(colon + 1)) == port &&
                (entryHost.equals(host) || resolve.apply(entryHost).contains(host)))
            {
                return true;
            }
        }
        return false;
    }

    private static List<String> addressesOf(final String host)
    {
        try
        {
            final List<String> addresses = new ArrayList<>();
            for (final InetAddress address : InetAddress.getAllByName(host))
            {
                addresses.add(address.getHostAddress());
            }
            return addresses;
        }
        catch (final UnknownHostException e)
        {
            return List.of();
        }
    }

    /** Runs {@code changed} (on a Hazelcast thread) whenever a member joins or leaves. */
    public void onChange(final Runnable changed)
    {
        hazelcast().getCluster().addMembershipListener(new MembershipListener()
        {
            @Override
            public void memberAdded(final MembershipEvent event)
            {
                changed.run();
            }

            @Override
            public void memberRemoved(final MembershipEvent event)
            {
                changed.run();
            }
        });
    }

    private Node node(final Member m)
    {
        final String port = m.getAttribute(HTTP_PORT);
        final String name = m.getAttribute(NAME);
        return new Node(name == null ? m.getUuid().toString() : name,
            m.getAddress().getHost() + ":" + (port == null ? String.valueOf(httpPort) : port));
    }
}
