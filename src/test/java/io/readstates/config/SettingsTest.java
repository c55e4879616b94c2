package io.readstates.config;

import io.readstates.persist.RedisTarget;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings come from conf/readstates.json and the environment, and a bad one stops start-up by name. */
class SettingsTest
{
    private static Map<String, String> env(final String... pairs)
    {
        final Map<String, String> env = new HashMap<>();
        env.put("READSTATES_INTERNAL_TOKEN", "a-token-of-sixteen-chars");
        for (int i = 0; i < pairs.length; i += 2)
        {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static void assertRefused(final String setting, final Map<String, String> env)
    {
        final Settings.BadSetting e = assertThrows(Settings.BadSetting.class, () -> Settings.load(env));
        assertTrue(e.getMessage().contains(setting), e.getMessage());
    }

    @Test
    void shouldUseDefaultsFromTheConfigurationFile()
    {
        final Settings settings = Settings.load(env());
        assertEquals(8080, settings.httpPort);
        assertEquals(4, settings.readStatesPerUser);
        assertNull(settings.redis, "no URL: the service manages a local Redis");
        assertTrue(settings.flushIntervalMs <= 100);
        assertEquals(64 * 1024, settings.bodyLimitBytes);
        assertEquals(Settings.StoreKind.OFFHEAP, settings.store);
        assertEquals(Runtime.getRuntime().availableProcessors(), settings.shards);
    }

    @Test
    void shouldLetTheEnvironmentOverrideEverySetting()
    {
        final Settings settings = Settings.load(env("READSTATES_HTTP_PORT", "9090", "READSTATES_REDIS_URL", "redis://10.1.2.3:6380",
            "READSTATES_SHARDS", "3", "READSTATES_CACHE_BYTES", "1048576", "READSTATES_FLUSH_INTERVAL_MS", "7",
            "READSTATES_STORE", "onheap", "READSTATES_READ_STATES_PER_USER", "3"));
        assertEquals(9090, settings.httpPort);
        assertEquals(RedisTarget.server("redis://10.1.2.3:6380"), settings.redis);
        assertEquals(3, settings.shards);
        assertEquals(1048576, settings.cacheBytes);
        assertEquals(3, settings.readStatesPerUser);
        assertEquals(7, settings.flushIntervalMs);
        assertEquals(Settings.StoreKind.ONHEAP, settings.store);
    }

    @Test
    void shouldRefuseBadValuesNamingTheSetting()
    {
        assertRefused("READSTATES_HTTP_PORT", env("READSTATES_HTTP_PORT", "-1"));
        assertRefused("READSTATES_HTTP_PORT", env("READSTATES_HTTP_PORT", "http"));
        assertRefused("READSTATES_STORE", env("READSTATES_STORE", "cassandra"));
        assertRefused("READSTATES_REDIS_URL", env("READSTATES_REDIS_URL", "localhost:6379"));
        assertRefused("READSTATES_REDIS_URL", env("READSTATES_REDIS_URL", "redis://"));
        assertRefused("READSTATES_SHARDS", env("READSTATES_SHARDS", "0"));
        assertRefused("READSTATES_READ_STATES_PER_USER", env("READSTATES_READ_STATES_PER_USER", "0"));
        assertRefused("READSTATES_FLUSH_INTERVAL_MS", env("READSTATES_FLUSH_INTERVAL_MS", "0"));
        assertRefused("READSTATES_CACHE_BYTES", env("READSTATES_CACHE_BYTES", "lots"));
        assertRefused("READSTATES_INSECURE_DEV_MODE", env("READSTATES_INSECURE_DEV_MODE", "maybe"));
        assertRefused("READSTATES_CONFIG", env("READSTATES_CONFIG", "/no/such/file.json"));
    }

    @Test
    void shouldRefuseToStartWithoutATokenUnlessInsecureDevModeIsAskedFor()
    {
        final Map<String, String> noToken = env();
        noToken.remove("READSTATES_INTERNAL_TOKEN");
        assertRefused("READSTATES_INTERNAL_TOKEN", noToken);
        assertRefused("READSTATES_INTERNAL_TOKEN", env("READSTATES_INTERNAL_TOKEN", "short"));
        noToken.put("READSTATES_INSECURE_DEV_MODE", "true");
        assertTrue(Settings.load(noToken).internalTokens.isEmpty());
    }

    @Test
    void shouldAcceptSeveralInternalTokensForARotationAndAMetricsTokenOfItsOwn()
    {
        final Settings settings = Settings.load(env("READSTATES_INTERNAL_TOKEN", "the-new-token-0123456, the-old-token-0123456",
            "READSTATES_METRICS_TOKEN", "a-scraper-token-0123456"));
        assertEquals(List.of("the-new-token-0123456", "the-old-token-0123456"), settings.internalTokens);
        assertEquals("a-scraper-token-0123456", settings.metricsToken);
        assertEquals("2 tokens, ****", settings.describe().get("internalToken"));
        assertEquals("****", settings.describe().get("metricsToken"));

        assertRefused("READSTATES_INTERNAL_TOKEN", env("READSTATES_INTERNAL_TOKEN", "the-new-token-0123456,short"));
        assertRefused("READSTATES_INTERNAL_TOKEN", env("READSTATES_INTERNAL_TOKEN", "the-new-token-0123456,"));
        assertRefused("READSTATES_METRICS_TOKEN", env("READSTATES_METRICS_TOKEN", "short"));
        assertRefused("READSTATES_METRICS_TOKEN", env("READSTATES_METRICS_TOKEN", "a-token-of-sixteen-chars"));
    }

    @Test
    void shouldStopStartUpWithTheBadSettingsName() throws Exception
    {
        final String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (final String[] bad : new String[][] {{"READSTATES_HTTP_PORT", "-1"}, {"READSTATES_STORE", "mongo"},
            {"READSTATES_REDIS_URL", "redis:/nohost"}})
        {
            final ProcessBuilder builder = new ProcessBuilder(javaBin, "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.readstates.Main").redirectErrorStream(true);
            builder.environment().put("READSTATES_INTERNAL_TOKEN", "a-token-of-sixteen-chars");
            builder.environment().put(bad[0], bad[1]);
            final Process process = builder.start();
            final String output = new String(process.getInputStream().readAllBytes());
            assertEquals(2, process.waitFor(), output);
            assertTrue(output.contains(bad[0]), output);
        }
    }

    @Test
    void shouldMaskSecretsWhenDescribed()
    {
        final Settings settings = Settings.load(env("READSTATES_REDIS_URL", "redis://user:hunter2@redis:6379"));
        assertEquals("****", settings.describe().get("internalToken"));
        assertEquals("(unset: the internal token reads /metrics)", settings.describe().get("metricsToken"));
        assertTrue(!settings.describe().toString().contains("hunter2"), settings.describe().toString());
        assertTrue(!settings.describe().toString().contains("a-token-of-sixteen-chars"));
    }

    @Test
    void shouldRefusePortZero()
    {
        assertRefused("httpPort", env("READSTATES_HTTP_PORT", "0"));
    }

    @Test
    void shouldValidateTheLogLevelAndTakeLoggingFromTheFile() throws Exception
    {
        assertRefused("logLevel", env("READSTATES_LOG_LEVEL", "LOUD"));
        assertEquals("DEBUG", Settings.load(env("READSTATES_LOG_LEVEL", "debug")).logLevel);
        final Path file = java.nio.file.Files.createTempFile("readstates", ".json");
        java.nio.file.Files.writeString(file, "{\"logFormat\":\"json\",\"logLevel\":\"WARN\"}");
        final Settings settings = Settings.load(env("READSTATES_CONFIG", file.toString()));
        assertEquals("json", settings.logFormat);
        assertEquals("WARN", settings.logLevel);
    }

    @Test
    void shouldRefuseAKeyOfTheFileThatIsNoSettingAndSuggestTheNearestOne() throws Exception
    {
        final Path file = java.nio.file.Files.createTempFile("readstates", ".json");
        java.nio.file.Files.writeString(file, "{\"cacheBytes\":1048576,\"flushIntervalMS\":20}");
        final Settings.BadSetting typo = assertThrows(Settings.BadSetting.class,
            () -> Settings.load(env("READSTATES_CONFIG", file.toString())));
        assertTrue(typo.getMessage().contains("flushIntervalMS") && typo.getMessage().contains("did you mean flushIntervalMs?"),
            typo.getMessage());

        java.nio.file.Files.writeString(file, "{\"compressPushes\":true}");
        final Settings.BadSetting unknown = assertThrows(Settings.BadSetting.class,
            () -> Settings.load(env("READSTATES_CONFIG", file.toString())));
        assertTrue(unknown.getMessage().contains("compressPushes") && unknown.getMessage().contains("docs/operating.md"),
            unknown.getMessage());
    }

    @Test
    void shouldNeverShowAPasswordOfAMalformedRedisUrl()
    {
        final Settings.BadSetting e = assertThrows(Settings.BadSetting.class,
            () -> Settings.load(env("READSTATES_REDIS_URL", "redis://user:s3cret-pass@host:port:oops")));
        assertTrue(e.getMessage().contains("redisUrl"), e.getMessage());
        assertTrue(!e.getMessage().contains("s3cret-pass"), e.getMessage());
    }

    @Test
    void shouldWaitForAsManyReplicasAsToldOnlyWhereRedisHasSome()
    {
        assertEquals(0, Settings.load(env("READSTATES_REDIS_URL", "redis://10.0.0.1:6379")).redis.replicas(), "by default");
        assertEquals(RedisTarget.server("redis://10.0.0.1:6379").withReplicas(1),
            Settings.load(env("READSTATES_REDIS_URL", "redis://10.0.0.1:6379", "READSTATES_DURABLE_REPLICAS", "1")).redis);

        assertRefused("READSTATES_DURABLE_REPLICAS", env("READSTATES_DURABLE_REPLICAS", "1"));
        assertRefused("READSTATES_DURABLE_REPLICAS", env("READSTATES_REDIS_URL", "redis://a:1", "READSTATES_DURABLE_REPLICAS", "-1"));
        assertRefused("READSTATES_DURABLE_REPLICAS", env("READSTATES_REDIS_URL", "redis://a:1", "READSTATES_DURABLE_REPLICAS", "one"));
    }

    @Test
    void shouldTakeTheSeedNodesOfARedisClusterInClusterModeOnly()
    {
        final Settings settings = Settings.load(env("READSTATES_REDIS_MODE", "cluster",
            "READSTATES_REDIS_URL", "redis://10.0.0.1:7000, redis://10.0.0.2:7000"));
        assertEquals(RedisTarget.cluster(List.of("redis://10.0.0.1:7000", "redis://10.0.0.2:7000")), settings.redis);

        assertRefused("READSTATES_REDIS_URL", env("READSTATES_REDIS_URL", "redis://10.0.0.1:7000,redis://10.0.0.2:7000"));
        assertRefused("READSTATES_REDIS_URL", env("READSTATES_REDIS_MODE", "cluster"));
        assertRefused("READSTATES_REDIS_URL", env("READSTATES_REDIS_MODE", "cluster", "READSTATES_REDIS_URL", "redis://a:1,b:2"));
        assertRefused("READSTATES_REDIS_MODE", env("READSTATES_REDIS_MODE", "sentinel", "READSTATES_REDIS_URL", "redis://a:1"));
    }

    @Test
    void shouldNeverShowAPasswordOfAnyRedisClusterSeed()
    {
        final Settings settings = Settings.load(env("READSTATES_REDIS_MODE", "cluster",
            "READSTATES_REDIS_URL", "redis://u:first-secret@a:1,redis://u:second-secret@b:2"));
        assertTrue(!settings.describe().toString().contains("secret"), settings.describe().toString());
        final Settings.BadSetting e = assertThrows(Settings.BadSetting.class, () -> Settings.load(env("READSTATES_REDIS_MODE",
            "cluster", "READSTATES_REDIS_URL", "redis://u:first-secret@a:1,redis://u:second-secret@b:port:oops")));
        assertTrue(!e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void shouldTakeOnlyAMajorityOfTheMembersAsTheQuorum()
    {
        final String[] cluster = {"READSTATES_REDIS_URL", "redis://r:6379", "READSTATES_CLUSTER_MEMBERS", "a:5701,b:5701,c:5701,d:5701",
            "READSTATES_CLUSTER_SECRET", "a-cluster-secret-0123"};
        assertEquals(3, Settings.load(env(cluster)).clusterMinMembers, "a majority of four, by default");
        assertRefused("READSTATES_CLUSTER_MIN_MEMBERS", env(concat(cluster, "READSTATES_CLUSTER_MIN_MEMBERS", "2")));
        assertRefused("READSTATES_CLUSTER_MIN_MEMBERS", env(concat(cluster, "READSTATES_CLUSTER_MIN_MEMBERS", "5")));
        assertEquals(4, Settings.load(env(concat(cluster, "READSTATES_CLUSTER_MIN_MEMBERS", "4"))).clusterMinMembers);
    }

    @Test
    void shouldAdmitToTheClusterOnlyNodesThatKnowItsNameAndSecret()
    {
        final String[] cluster = {"READSTATES_REDIS_URL", "redis://r:6379", "READSTATES_CLUSTER_MEMBERS", "a:5701,b:5701,c:5701"};
        assertRefused("READSTATES_CLUSTER_SECRET", env(cluster));
        assertRefused("READSTATES_CLUSTER_SECRET", env(concat(cluster, "READSTATES_CLUSTER_SECRET", "too-short")));
        assertRefused("READSTATES_CLUSTER_NAME", env(concat(cluster, "READSTATES_CLUSTER_NAME", "no spaces")));

        final Settings one = Settings.load(env(concat(cluster, "READSTATES_CLUSTER_SECRET", "a-cluster-secret-0123")));
        final Settings same = Settings.load(env(concat(cluster, "READSTATES_CLUSTER_SECRET", "a-cluster-secret-0123")));
        final Settings otherSecret = Settings.load(env(concat(cluster, "READSTATES_CLUSTER_SECRET", "a-cluster-secret-4567")));
        final Settings otherName = Settings.load(env(concat(cluster, "READSTATES_CLUSTER_SECRET", "a-cluster-secret-0123",
            "READSTATES_CLUSTER_NAME", "staging")));
        assertEquals(one.clusterJoinName(), same.clusterJoinName());
        assertNotEquals(one.clusterJoinName(), otherSecret.clusterJoinName());
        assertNotEquals(one.clusterJoinName(), otherName.clusterJoinName());
        assertTrue(one.clusterJoinName().startsWith("readstates-"), one.clusterJoinName());
        assertFalse(one.clusterJoinName().contains("a-cluster-secret"), "the secret itself never goes on the wire");
        assertFalse(one.describe().toString().contains("a-cluster-secret"), one.describe().toString());

        assertEquals("readstates", Settings.load(env(concat(cluster, "READSTATES_INSECURE_DEV_MODE", "true"))).clusterJoinName(),
            "insecure development mode runs a cluster without a secret");
    }

    private static String[] concat(final String[] first, final String... more)
    {
        final String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
