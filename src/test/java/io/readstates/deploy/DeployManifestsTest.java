package io.readstates.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.readstates.config.Settings;
import io.readstates.ops.HugePages;
import io.readstates.persist.RedisTarget;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/ cannot be run here (no Docker, no cluster), so it is checked against the service itself: the
 * Kubernetes manifests through fabric8's model, the compose file and the Dockerfile as text.
 */
class DeployManifestsTest
{
    /** Not a setting of the service but of glibc, read as the process starts: see {@link HugePages}. */
    private static final String HUGE_PAGES_VARIABLE = "GLIBC_TUNABLES";
    private static final Path DEPLOY = Path.of("deploy");
    private static final long JVM_OVERHEAD_BYTES = 512L << 20;
    /** Heap per WebSocket session, the most measured (ZGC, 18,900 sessions: see deploy/README.md). */
    private static final long SESSION_HEAP_BYTES = 28L << 10;
    /** The heap of a service without sessions: Vert.x, Netty, Hazelcast, the metrics. */
    private static final long BASE_HEAP_BYTES = 64L << 20;
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final List<String> NODES = List.of("readstates-1", "readstates-2", "readstates-3");

    private static List<HasMetadata> manifests(final String file) throws IOException
    {
        final List<HasMetadata> resources = new ArrayList<>();
        for (final String document : Files.readString(DEPLOY.resolve("k8s").resolve(file)).split("(?m)^---$"))
        {
            if (!document.isBlank())
            {
                resources.add(SERIALIZATION.unmarshal(document));
            }
        }
        return resources;
    }

    private static StatefulSet service() throws IOException
    {
        return (StatefulSet)manifests("readstates.yaml").stream()
            .filter(r -> r instanceof StatefulSet && "readstates".equals(r.getMetadata().getName())).findFirst().orElseThrow();
    }

    private static Container serviceContainer() throws IOException
    {
        return service().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** The compose file, read by SnakeYAML, which applies its merge keys ({@code <<: *anchor}) as Compose does. */
    private static JsonNode compose() throws IOException
    {
        final Object yaml = new org.yaml.snakeyaml.Yaml().load(Files.readString(DEPLOY.resolve("docker-compose.yml")));
        return new ObjectMapper().valueToTree(yaml);
    }

    /** The container's environment, with every secret replaced by a stand-in long enough to be valid. */
    private static Map<String, String> environment(final Container container)
    {
        final Map<String, String> env = new HashMap<>();
        for (final EnvVar var : container.getEnv())
        {
            env.put(var.getName(), var.getValue() != null ? var.getValue() : "secret-stand-in-long-enough-for-any-check-0123");
        }
        return env;
    }

    @Test
    void shouldProbeTheServicesHealthRoutesOnItsHttpPort() throws IOException
    {
        final Container container = serviceContainer();
        final Settings settings = Settings.load(environment(container));
        assertEquals(settings.httpPort, container.getPorts().get(0).getContainerPort());
        assertEquals("http", container.getPorts().get(0).getName());
        assertEquals("/health/live", container.getLivenessProbe().getHttpGet().getPath());
        assertEquals("/health/ready", container.getReadinessProbe().getHttpGet().getPath());
        assertEquals("http", container.getLivenessProbe().getHttpGet().getPort().getStrVal());
        assertEquals("http", container.getReadinessProbe().getHttpGet().getPort().getStrVal());
        final Service service = (Service)manifests("readstates.yaml").stream()
            .filter(r -> r instanceof Service && "readstates".equals(r.getMetadata().getName())).findFirst().orElseThrow();
        assertEquals("http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    }

    @Test
    void shouldSetOnlySettingsTheServiceKnowsWithValuesItAccepts() throws IOException
    {
        final Container container = serviceContainer();
        for (final EnvVar var : container.getEnv())
        {
            if (var.getName().startsWith("READSTATES_"))
            {
                assertTrue(Settings.environmentVariables().contains(var.getName()), "unknown setting " + var.getName());
            }
        }
        final Settings settings = Settings.load(environment(container));
        assertNotNull(settings.redis, "the cluster's Redis, not a local one");
        assertFalse(settings.internalTokens.isEmpty());
        assertEquals(RedisTarget.server("redis://readstates-redis:6379"), settings.redis);
        final StatefulSet redis = (StatefulSet)manifests("redis.yaml").stream().filter(r -> r instanceof StatefulSet).findFirst().orElseThrow();
        assertTrue(redis.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().contains("--appendonly"));
    }

    @Test
    void shouldGiveTheContainerMemoryForTheCacheTheHeapAndTheJvm() throws IOException
    {
        final Container container = serviceContainer();
        final Settings settings = Settings.load(environment(container));
        final long heap = heapBytes(environment(container).get("JAVA_OPTS"));
        final long limit = Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")).longValue();
        final long request = Quantity.getAmountInBytes(container.getResources().getRequests().get("memory")).longValue();
        assertTrue(limit >= settings.cacheBytes + heap + JVM_OVERHEAD_BYTES,
            "limit " + limit + " < cache " + settings.cacheBytes + " + heap " + heap + " + JVM " + JVM_OVERHEAD_BYTES);
        assertEquals(limit, request, "memory requested as limited: the cache is reserved up front");
    }

    @Test
    void shouldGiveTheHeapRoomForEverySessionTheServiceAccepts() throws IOException
    {
        final Container container = serviceContainer();
        final Settings settings = Settings.load(environment(container));
        final long heap = heapBytes(environment(container).get("JAVA_OPTS"));
        final long live = BASE_HEAP_BYTES + settings.maxSessions * SESSION_HEAP_BYTES;
        // ZGC collects concurrently: with the live set above half the heap it falls behind and stalls.
        assertTrue(2 * live <= heap, "heap " + heap + " for " + settings.maxSessions + " sessions (" + live + " bytes live)");
    }

    @Test
    void shouldBuildAndRunTheImageAsCheckedHere() throws IOException
    {
        final String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertEquals(2, Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count(), "a build stage and a runtime stage");
        assertTrue(dockerfile.contains("eclipse-temurin:25-jre"), "a JRE 25 runtime");
        final Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
        assertTrue(user.find() && !"root".equals(user.group(1)), "runs as an unprivileged user");
        assertTrue(dockerfile.contains("EXPOSE " + Settings.load(Map.of("READSTATES_INSECURE_DEV_MODE", "true")).httpPort));
        assertTrue(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("/health/ready"));
        assertTrue(dockerfile.contains("-jar /app/readstates.jar"), "the manifest's Add-Opens applies only with -jar");
        final Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT (.+)$").matcher(dockerfile);
        assertTrue(entrypoint.find(), "an entrypoint");
        assertTrue(entrypoint.group(1).contains("readstates.jar \\\"$@\\\"") && entrypoint.group(1).endsWith("\"--\"]"),
            "the arguments of docker run reach the CLI: " + entrypoint.group(1));

        final JsonNode compose = compose();
        assertTrue(compose.path("services").path("redis").path("command").toString().contains("--appendonly"));
        for (final String name : NODES)
        {
            final JsonNode service = compose.path("services").path(name);
            assertEquals(serviceContainer().getImage(), service.path("image").asText(), "the same image everywhere");
            assertEquals("redis://redis:6379", service.path("environment").path("READSTATES_REDIS_URL").asText());
            service.path("environment").fieldNames().forEachRemaining(setting ->
                assertTrue(Settings.environmentVariables().contains(setting) || HUGE_PAGES_VARIABLE.equals(setting),
                    "unknown setting " + setting));
        }
    }

    @Test
    void shouldPutTheStoreOnHugePagesWhereverItRuns() throws IOException
    {
        assertTrue(Files.readString(DEPLOY.resolve("Dockerfile")).contains("ENV " + HUGE_PAGES_VARIABLE + "=" + HugePages.TUNABLE));
        assertEquals(HugePages.TUNABLE, environment(serviceContainer()).get(HUGE_PAGES_VARIABLE), "Kubernetes");
        for (final String name : NODES)
        {
            assertEquals(HugePages.TUNABLE, compose().path("services").path(name).path("environment").path(HUGE_PAGES_VARIABLE).asText(), name);
        }
    }

    /** The fields of the Kubernetes "restricted" Pod Security Standard, for every workload. */
    @Test
    void shouldMeetTheRestrictedPodSecurityStandard() throws IOException
    {
        final List<PodSpec> pods = new ArrayList<>();
        for (final String file : List.of("readstates.yaml", "redis.yaml"))
        {
            for (final HasMetadata resource : manifests(file))
            {
                if (resource instanceof StatefulSet)
                {
                    pods.add(((StatefulSet)resource).getSpec().getTemplate().getSpec());
                }
            }
        }
        assertEquals(2, pods.size());
        for (final PodSpec pod : pods)
        {
            final PodSecurityContext podSecurity = pod.getSecurityContext();
            assertEquals(Boolean.TRUE, podSecurity.getRunAsNonRoot());
            assertTrue(podSecurity.getRunAsUser() != null && podSecurity.getRunAsUser() > 0, "a numeric non-root user");
            assertEquals("RuntimeDefault", podSecurity.getSeccompProfile().getType());
            for (final Container container : pod.getContainers())
            {
                final SecurityContext security = container.getSecurityContext();
                assertEquals(Boolean.FALSE, security.getAllowPrivilegeEscalation(), container.getName());
                assertEquals(Boolean.TRUE, security.getReadOnlyRootFilesystem(), container.getName());
                assertEquals(List.of("ALL"), security.getCapabilities().getDrop(), container.getName());
                assertEquals("IfNotPresent", container.getImagePullPolicy(), container.getName());
                assertTrue(!container.getImage().endsWith(":latest") && container.getImage().contains(":"), container.getImage());
            }
        }
    }

    @Test
    void shouldRunAClusterThatRollsOnePodAtATimeAndLeavesTheServiceBeforeClosing() throws IOException
    {
        final StatefulSet set = service();
        final int replicas = set.getSpec().getReplicas();
        assertTrue(replicas >= 3, "a cluster that keeps its quorum with one pod down");
        assertEquals("RollingUpdate", set.getSpec().getUpdateStrategy().getType(), "the hand-over makes rolling safe");
        final Settings settings = Settings.load(environment(serviceContainer()));
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < replicas; i++)
        {
            expected.add(set.getMetadata().getName() + "-" + i + "." + set.getSpec().getServiceName() + ":" + settings.clusterPort);
        }
        assertEquals(expected, settings.clusterMembers, "every pod, by its stable name under the headless Service");
        assertTrue(settings.clusterMinMembers <= replicas - 1, "one pod down keeps the quorum");
        assertTrue(serviceContainer().getEnv().stream().anyMatch(v -> "READSTATES_CLUSTER_HOST".equals(v.getName()) &&
            "status.podIP".equals(v.getValueFrom().getFieldRef().getFieldPath())), "each pod advertises its own address");

        final Service headless = (Service)manifests("readstates.yaml").stream()
            .filter(r -> r instanceof Service && set.getSpec().getServiceName().equals(r.getMetadata().getName()))
            .findFirst().orElseThrow();
        assertEquals("None", headless.getSpec().getClusterIP());
        assertEquals(Boolean.TRUE, headless.getSpec().getPublishNotReadyAddresses(), "members find each other before they are ready");
        assertEquals(settings.clusterPort, headless.getSpec().getPorts().get(0).getPort());

        final PodDisruptionBudget budget = (PodDisruptionBudget)manifests("readstates.yaml").stream()
            .filter(r -> r instanceof PodDisruptionBudget).findFirst().orElseThrow();
        assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal(), "one pod at a time");
        assertEquals(set.getSpec().getSelector().getMatchLabels(), budget.getSpec().getSelector().getMatchLabels());

        final PodSpec pod = set.getSpec().getTemplate().getSpec();
        final Container container = pod.getContainers().get(0);
        final List<String> preStop = container.getLifecycle().getPreStop().getExec().getCommand();
        assertEquals("sleep", preStop.get(0));
        final long pauseS = Long.parseLong(preStop.get(1));
        assertTrue(pod.getTerminationGracePeriodSeconds() * 1000 > pauseS * 1000 + settings.shutdownTimeoutMs,
            "the grace period covers the pause and the shutdown");
        assertTrue(container.getVolumeMounts().stream().anyMatch(m -> "/tmp".equals(m.getMountPath())),
            "a writable /tmp beside the read-only root file system");
        assertEquals("/health/live", container.getStartupProbe().getHttpGet().getPath(), "liveness waits for the start");
        assertTrue(container.getStartupProbe().getPeriodSeconds() * container.getStartupProbe().getFailureThreshold() >= 60,
            "a minute to start");
        final var spread = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().get(0);
        assertEquals("kubernetes.io/hostname", spread.getPodAffinityTerm().getTopologyKey(), "one pod per machine");
        assertEquals(set.getSpec().getSelector().getMatchLabels(), spread.getPodAffinityTerm().getLabelSelector().getMatchLabels());
        final StatefulSet redis = (StatefulSet)manifests("redis.yaml").stream().filter(r -> r instanceof StatefulSet).findFirst().orElseThrow();
        final Container redisContainer = redis.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertNotNull(redisContainer.getLivenessProbe());
        assertNotNull(redisContainer.getReadinessProbe());
        assertNotNull(redisContainer.getResources().getLimits().get("memory"));
        assertEquals(1, redis.getSpec().getVolumeClaimTemplates().size(), "persistent data");
    }

    @Test
    void shouldRunThreeNodesOfOneClusterInCompose() throws IOException
    {
        final JsonNode services = compose().path("services");
        for (final String name : NODES)
        {
            final Map<String, String> env = new HashMap<>();
            services.path(name).path("environment").fields().forEachRemaining(e -> env.put(e.getKey(),
                e.getValue().asText().startsWith("${") ? "secret-stand-in-long-enough-for-any-check-0123" : e.getValue().asText()));
            final Settings settings = Settings.load(env);
            assertEquals(NODES.stream().map(node -> node + ":" + settings.clusterPort).toList(), settings.clusterMembers,
                name + " lists every node, by its name on the compose network");
        }
    }

    @Test
    void shouldRunAsANumericUserAndBuildFromLittle() throws IOException
    {
        final Matcher user = Pattern.compile("(?m)^USER (\\d+)(:\\d+)?$").matcher(Files.readString(DEPLOY.resolve("Dockerfile")));
        assertTrue(user.find() && Long.parseLong(user.group(1)) > 0, "a numeric non-root user");
        final String ignore = Files.readString(DEPLOY.resolve("Dockerfile.dockerignore"));
        assertTrue(ignore.contains("*") && ignore.contains("!src") && ignore.contains("!pom.xml"), ignore);
        final JsonNode compose = compose();
        for (final String name : List.of("readstates-1", "readstates-2", "readstates-3", "redis"))
        {
            final JsonNode service = compose.path("services").path(name);
            assertEquals("unless-stopped", service.path("restart").asText(), name);
            assertTrue(!service.path("mem_limit").asText().isEmpty(), name + " has a memory limit");
        }
    }

    private static long heapBytes(final String javaOpts)
    {
        final Matcher xmx = Pattern.compile("-Xmx(\\d+)([mMgG])").matcher(javaOpts);
        assertTrue(xmx.find(), "JAVA_OPTS fixes the heap: " + javaOpts);
        return Long.parseLong(xmx.group(1)) << ("g".equalsIgnoreCase(xmx.group(2)) ? 30 : 20);
    }

    @Test
    void shouldLetOnlyTheServicesOwnPodsReachItButOnItsHttpPort() throws IOException
    {
        JsonNode policy = null;
        for (final Object document : new org.yaml.snakeyaml.Yaml().loadAll(Files.readString(DEPLOY.resolve("k8s").resolve("readstates.yaml"))))
        {
            final JsonNode node = new ObjectMapper().valueToTree(document);
            if (node != null && "NetworkPolicy".equals(node.path("kind").asText()))
            {
                policy = node;
            }
        }
        assertNotNull(policy, "a NetworkPolicy in readstates.yaml");
        final JsonNode spec = policy.path("spec");
        assertEquals("readstates", spec.path("podSelector").path("matchLabels").path("app").asText());
        assertEquals("Ingress", spec.path("policyTypes").get(0).asText());
        final JsonNode rules = spec.path("ingress");
        assertEquals(2, rules.size(), rules::toString);
        assertEquals("http", rules.get(0).path("ports").get(0).path("port").asText(), "anyone may reach the HTTP port");
        assertTrue(rules.get(0).path("from").isMissingNode(), "from anywhere");
        assertEquals("readstates", rules.get(1).path("from").get(0).path("podSelector").path("matchLabels").path("app").asText(),
            "every other port, the cluster's and the event bus's, from the service's own pods only");
        assertTrue(rules.get(1).path("ports").isMissingNode(), "the event bus's port is chosen at start: all ports");
    }
}
