package io.readstates.config;

import io.readstates.persist.RedisTarget;
import io.readstates.store.ReadStateStore;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every setting of the service, read from {@code conf/readstates.json} (or the file named by
 * {@code READSTATES_CONFIG}) and overridden by environment variables. Each is validated here, once, at
 * start-up; a bad value stops the service with a {@link BadSetting} naming it.
 */
public final class Settings
{
    /** Which store the shards hold: the off-heap store, or the on-heap baseline kept for comparison. */
    public enum StoreKind
    {
        OFFHEAP, ONHEAP
    }

    public final int httpPort;
    /** Null when the service is to start and manage its own local Redis. */
    public final RedisTarget redis;
    public final int shards;
    public final long cacheBytes;
    /** How many read states per user the cache is planned for: one user slot per this many record slots. */
    public final int readStatesPerUser;
    public final long flushIntervalMs;
    /**
     * Every internal token accepted (several during a rotation: the new one and the old one); empty only in
     * insecure development mode.
     */
    public final List<String> internalTokens;
    /** A token that reads {@code /metrics} and nothing else, for the scraper; null when none is set. */
    public final String metricsToken;
    public final boolean insecureDevMode;
    public final int bodyLimitBytes;
    public final StoreKind store;
    public final Path dataDir;
    public final long shutdownTimeoutMs;
    public final int flushBatchRecords;
    public final long redisTimeoutMs;
    /** Whether a change is answered only once Redis confirmed it, when its caller does not say. */
    public final boolean durableWrites;
    public final long messageRetryWindowMs;
    /** plain or json. */
    public final String logFormat;
    /** TRACE, DEBUG, INFO, WARN, ERROR or OFF. */
    public final String logLevel;
    /** Null when the WebSocket gateway is off. */
    public final String userTokenSecret;
    public final long identifyTimeoutMs;
    public final long sessionIdleTimeoutMs;
    public final int maxFrameBytes;
    public final int maxSessionsPerUser;
    public final int maxSessions;
    public final long slowConsumerTimeoutMs;
    public final long connectionIdleTimeoutMs;
    /** Empty when the node runs alone; else host:port of members to join. */
    public final List<String> clusterMembers;
    /** Null: let the cluster engine choose the interface. */
    public final String clusterHost;
    public final int clusterPort;
    public final long clusterFailureTimeoutMs;
    public final int clusterMinMembers;
    public final long clusterHandOverTimeoutMs;
    /** Null: the node's cluster address names it. */
    public final String clusterNodeName;
    public final long clusterRequestTimeoutMs;
    /** Names the deployment's cluster: nodes of another deployment never join it. */
    public final String clusterName;
    /** Null only in insecure development mode; see {@link #clusterJoinName}. */
    public final String clusterSecret;

    private final Map<String, String> described = new LinkedHashMap<>();

    private Settings(final Source source)
    {
        httpPort = source.read("httpPort", "READSTATES_HTTP_PORT", "8080", Settings::port);
        final List<String> redisUrls = source.read("redisUrl", "READSTATES_REDIS_URL", "", Settings::redisUrls);
        final boolean redisCluster = source.read("redisMode", "READSTATES_REDIS_MODE", "standalone", Settings::redisCluster);
        if (redisCluster && redisUrls.isEmpty())
        {
            throw new BadSetting("redisUrl (READSTATES_REDIS_URL)",
                "must list one or more nodes of the Redis Cluster when redisMode (READSTATES_REDIS_MODE) is cluster");
        }
        if (!redisCluster && redisUrls.size() > 1)
        {
            throw new BadSetting("redisUrl (READSTATES_REDIS_URL)",
                "lists " + redisUrls.size() + " Redis servers; set redisMode (READSTATES_REDIS_MODE) to cluster if they " +
                "are the nodes of a Redis Cluster");
        }
        final int replicas = source.read("durableReplicas", "READSTATES_DURABLE_REPLICAS", "0", v -> intIn(v, 0, 16));
        if (replicas > 0 && redisUrls.isEmpty())
        {
            throw new BadSetting("durableReplicas (READSTATES_DURABLE_REPLICAS)",
                "needs a Redis with replicas in redisUrl (READSTATES_REDIS_URL): the local Redis has none");
        }
        redis = redisUrls.isEmpty() ? null : new RedisTarget(redisUrls, redisCluster, replicas);
        shards = source.read("shards", "READSTATES_SHARDS",
            String.valueOf(Runtime.getRuntime().availableProcessors()), v -> intIn(v, 1, 1024));
        cacheBytes = source.read("cacheBytes", "READSTATES_CACHE_BYTES", String.valueOf(256L << 20),
            v -> longIn(v, 1L << 16, 1L << 42));
        readStatesPerUser = source.read("readStatesPerUser", "READSTATES_READ_STATES_PER_USER",
            String.valueOf(ReadStateStore.DEFAULT_RECORDS_PER_USER), v -> intIn(v, 1, 1024));
        flushIntervalMs = source.read("flushIntervalMs", "READSTATES_FLUSH_INTERVAL_MS", "50", v -> longIn(v, 1, 60_000));
        insecureDevMode = source.read("insecureDevMode", "READSTATES_INSECURE_DEV_MODE", "false", Settings::bool);
        final String token = source.readSecret("internalToken", "READSTATES_INTERNAL_TOKEN");
        bodyLimitBytes = source.read("bodyLimitBytes", "READSTATES_BODY_LIMIT_BYTES", String.valueOf(64 * 1024),
            v -> intIn(v, 256, 64 << 20));
        store = source.read("store", "READSTATES_STORE", "offheap", Settings::storeKind);
        dataDir = source.read("dataDir", "READSTATES_DATA_DIR", "data", Path::of);
        shutdownTimeoutMs = source.read("shutdownTimeoutMs", "READSTATES_SHUTDOWN_TIMEOUT_MS", "30000",
            v -> longIn(v, 0, 3_600_000));
        flushBatchRecords = source.read("flushBatchRecords", "READSTATES_FLUSH_BATCH_RECORDS", "1000",
            v -> intIn(v, 1, 100_000));
        redisTimeoutMs = source.read("redisTimeoutMs", "READSTATES_REDIS_TIMEOUT_MS", "1000", v -> longIn(v, 10, 60_000));
        durableWrites = source.read("durableWrites", "READSTATES_DURABLE_WRITES", "false", Settings::bool);
        messageRetryWindowMs = source.read("messageRetryWindowMs", "READSTATES_MESSAGE_RETRY_WINDOW_MS", "300000",
            v -> longIn(v, 1_000, 86_400_000));
        userTokenSecret = checkedUserTokenSecret(source.readSecret("userTokenSecret", "READSTATES_USER_TOKEN_SECRET"));
        identifyTimeoutMs = source.read("identifyTimeoutMs", "READSTATES_IDENTIFY_TIMEOUT_MS", "10000", v -> longIn(v, 1, 600_000));
        sessionIdleTimeoutMs = source.read("sessionIdleTimeoutMs", "READSTATES_SESSION_IDLE_TIMEOUT_MS", "60000",
            v -> longIn(v, 100, 3_600_000));
        maxFrameBytes = source.read("maxFrameBytes", "READSTATES_MAX_FRAME_BYTES", "4096", v -> intIn(v, 256, 1 << 20));
        maxSessionsPerUser = source.read("maxSessionsPerUser", "READSTATES_MAX_SESSIONS_PER_USER", "10", v -> intIn(v, 1, 1000));
        maxSessions = source.read("maxSessions", "READSTATES_MAX_SESSIONS", "100000", v -> intIn(v, 1, 10_000_000));
        slowConsumerTimeoutMs = source.read("slowConsumerTimeoutMs", "READSTATES_SLOW_CONSUMER_TIMEOUT_MS", "5000",
            v -> longIn(v, 10, 600_000));
        connectionIdleTimeoutMs = source.read("connectionIdleTimeoutMs", "READSTATES_CONNECTION_IDLE_TIMEOUT_MS", "120000",
            v -> longIn(v, 1_000, 3_600_000));
        if (connectionIdleTimeoutMs <= sessionIdleTimeoutMs / 2)
        {
            throw new BadSetting("connectionIdleTimeoutMs (READSTATES_CONNECTION_IDLE_TIMEOUT_MS)",
                "must be more than half of sessionIdleTimeoutMs: the gateway pings a quiet session at half of it, and a " +
                "connection closed before would lose its session without a close frame");
        }
        clusterMembers = source.read("clusterMembers", "READSTATES_CLUSTER_MEMBERS", "", Settings::members);
        final String host = source.read("clusterHost", "READSTATES_CLUSTER_HOST", "", v -> v);
        clusterHost = host.isEmpty() ? null : host;
        clusterPort = source.read("clusterPort", "READSTATES_CLUSTER_PORT", "5701", Settings::port);
        clusterFailureTimeoutMs = source.read("clusterFailureTimeoutMs", "READSTATES_CLUSTER_FAILURE_TIMEOUT_MS", "10000",
            v -> longIn(v, 2_000, 600_000));
        clusterMinMembers = source.read("clusterMinMembers", "READSTATES_CLUSTER_MIN_MEMBERS",
            String.valueOf(clusterMembers.size() / 2 + 1), v -> intIn(v, 1, 1_000));
        if (!clusterMembers.isEmpty() && (clusterMinMembers <= clusterMembers.size() / 2 || clusterMinMembers > clusterMembers.size()))
        {
            throw new BadSetting("clusterMinMembers (READSTATES_CLUSTER_MIN_MEMBERS)",
                "must be a majority of the " + clusterMembers.size() + " clusterMembers (READSTATES_CLUSTER_MEMBERS), from " +
                (clusterMembers.size() / 2 + 1) + " to " + clusterMembers.size() + ": with less, both sides of a split " +
                "could serve the same users");
        }
        clusterHandOverTimeoutMs = source.read("clusterHandOverTimeoutMs", "READSTATES_CLUSTER_HANDOVER_TIMEOUT_MS", "10000",
            v -> longIn(v, 100, 600_000));
        final String name = source.read("clusterNodeName", "READSTATES_CLUSTER_NODE_NAME", "", Settings::nodeName);
        clusterNodeName = name.isEmpty() ? null : name;
        clusterRequestTimeoutMs = source.read("clusterRequestTimeoutMs", "READSTATES_CLUSTER_REQUEST_TIMEOUT_MS", "2000",
            v -> longIn(v, 10, 600_000));
        clusterName = source.read("clusterName", "READSTATES_CLUSTER_NAME", "readstates", Settings::clusterName);
        final String clusterKey = source.readSecret("clusterSecret", "READSTATES_CLUSTER_SECRET");
        if (!clusterMembers.isEmpty() && clusterKey.isEmpty() && !insecureDevMode)
        {
            throw new BadSetting("clusterSecret (READSTATES_CLUSTER_SECRET)",
                "a cluster needs a secret its nodes share, so that no other process joins it; set one, or set " +
                "READSTATES_INSECURE_DEV_MODE=true on a development machine");
        }
        if (!clusterKey.isEmpty() && clusterKey.length() < 16)
        {
            throw new BadSetting("clusterSecret (READSTATES_CLUSTER_SECRET)", "must be at least 16 characters long");
        }
        clusterSecret = clusterKey.isEmpty() ? null : clusterKey;
        if (clusterRequestTimeoutMs <= redisTimeoutMs)
        {
            throw new BadSetting("clusterRequestTimeoutMs (READSTATES_CLUSTER_REQUEST_TIMEOUT_MS)",
                "must be more than redisTimeoutMs: a user's owner may spend that long loading the user from Redis");
        }
        if (!clusterMembers.isEmpty() && redis == null)
        {
            throw new BadSetting("redisUrl (READSTATES_REDIS_URL)",
                "must name the Redis the whole cluster shares when clusterMembers (READSTATES_CLUSTER_MEMBERS) is set");
        }
        logFormat = source.read("logFormat", "READSTATES_LOG_FORMAT", "plain", Settings::logFormat);
        logLevel = source.read("logLevel", "READSTATES_LOG_LEVEL", "INFO", Settings::logLevel);
        if (token.isEmpty() && !insecureDevMode)
        {
            throw new BadSetting("internalToken (READSTATES_INTERNAL_TOKEN)",
                "no internal token is configured; set one, or set READSTATES_INSECURE_DEV_MODE=true to run " +
                "without authentication on a development machine");
        }
        internalTokens = token.isEmpty() ? List.of() : tokens("internalToken (READSTATES_INTERNAL_TOKEN)", token);
        final String metrics = source.readSecret("metricsToken", "READSTATES_METRICS_TOKEN");
        metricsToken = metrics.isEmpty() ? null : tokens("metricsToken (READSTATES_METRICS_TOKEN)", metrics).get(0);
        if (metricsToken != null && internalTokens.contains(metricsToken))
        {
            throw new BadSetting("metricsToken (READSTATES_METRICS_TOKEN)", "must differ from every internal token");
        }
        if (cacheBytes / shards < 1L << 16)
        {
            throw new BadSetting("cacheBytes (READSTATES_CACHE_BYTES)",
                "gives each of the " + shards + " shards less than 64 KiB; raise it or lower shards");
        }
        described.putAll(source.described);
        described.put("internalToken", internalTokens.isEmpty() ? "(none: insecure development mode)" :
            internalTokens.size() == 1 ? "****" : internalTokens.size() + " tokens, ****");
        described.put("metricsToken", metricsToken == null ? "(unset: the internal token reads /metrics)" : "****");
        described.put("userTokenSecret", userTokenSecret == null ? "(unset: the WebSocket gateway is off)" : "****");
        if (clustered())
        {
            described.put("clusterSecret", clusterSecret == null ? "(none: insecure development mode)" : "****");
        }
        if (redis != null)
        {
            described.put("redisUrl", redis.describe());
        }
    }

    /** Settings from the environment and the configuration file it names (or conf/readstates.json if present). */
    public static Settings load(final Map<String, String> env)
    {
        final JsonObject file = file(env);
        refuseUnknownKeys(file);
        return new Settings(new Source(file, env));
    }

    /** A key the file sets that no setting reads is a mistake (a typo, a setting renamed), not something to ignore. */
    private static void refuseUnknownKeys(final JsonObject file)
    {
        final Source defaults = defaultsRead();
        for (final String key : file.fieldNames())
        {
            if (!defaults.keys.contains(key))
            {
                final String near = defaults.keys.stream().filter(known -> distance(known.toLowerCase(), key.toLowerCase()) <= 2)
                    .findFirst().map(known -> "did you mean " + known + "?").orElse("docs/operating.md lists every setting");
                throw new BadSetting(key + " (in the configuration file)", "is not a setting; " + near);
            }
        }
    }

    /** @return the edit distance between two short strings (insertions, deletions, substitutions) */
    private static int distance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            final int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            previous = current;
        }
        return previous[b.length()];
    }

    /**
     * The user-token secret alone, from the same places as every setting, for tools that sign tokens.
     *
     * @return the secret, or null if none is set
     */
    public static String userTokenSecret(final Map<String, String> env)
    {
        return checkedUserTokenSecret(new Source(file(env), env).readSecret("userTokenSecret", "READSTATES_USER_TOKEN_SECRET"));
    }

    /** @return the secret, or null if empty; refuses one the service would refuse */
    private static String checkedUserTokenSecret(final String secret)
    {
        if (!secret.isEmpty() && secret.length() < 32)
        {
            throw new BadSetting("userTokenSecret (READSTATES_USER_TOKEN_SECRET)",
                "must be at least 32 characters long: it signs user tokens with HS256");
        }
        return secret.isEmpty() ? null : secret;
    }

    /**
     * One token, or several separated by commas (during a rotation, the new one and the old one): each at
     * least 16 characters long, without spaces.
     */
    private static List<String> tokens(final String setting, final String value)
    {
        final List<String> tokens = new ArrayList<>();
        for (final String token : value.split(",", -1))
        {
            final String trimmed = token.trim();
            if (trimmed.length() < 16 || trimmed.chars().anyMatch(Character::isWhitespace))
            {
                throw new BadSetting(setting, "each token must be at least 16 characters long, without spaces" +
                    (value.contains(",") ? " (several tokens are separated by commas)" : ""));
            }
            if (!tokens.contains(trimmed))
            {
                tokens.add(trimmed);
            }
        }
        return List.copyOf(tokens);
    }

    private static JsonObject file(final Map<String, String> env)
    {
        final String named = env.get("READSTATES_CONFIG");
        final Path file = Path.of(named != null && !named.isEmpty() ? named : "conf/readstates.json");
        JsonObject json = new JsonObject();
        if (Files.exists(file))
        {
            try
            {
                json = new JsonObject(Files.readString(file));
            }
            catch (final IOException | DecodeException e)
            {
                throw new BadSetting("READSTATES_CONFIG", "cannot read " + file + ": " + e.getMessage());
            }
        }
        else if (named != null && !named.isEmpty())
        {
            throw new BadSetting("READSTATES_CONFIG", "no such file: " + file);
        }
        return json;
    }

    /** @return the environment variable of every setting. */
    public static java.util.Set<String> environmentVariables()
    {
        final java.util.Set<String> names = new java.util.TreeSet<>(defaultsRead().envNames);
        names.add("READSTATES_CONFIG");
        return names;
    }

    /** @return a source after every setting was read from it at its default: which keys and variables there are */
    private static Source defaultsRead()
    {
        // A token of the right length stands for the one required, so that every other setting keeps its default.
        final Source source = new Source(new JsonObject(), Map.of("READSTATES_INTERNAL_TOKEN", "a-stand-in-token-0123"));
        new Settings(source);
        return source;
    }

    /** @return for {@code --help}: each setting's environment variable, key in the file and default on this machine */
    public static List<String> help()
    {
        final Source source = defaultsRead();
        final List<String> lines = new java.util.ArrayList<>();
        final String format = "%-38s %-25s %s";
        lines.add(String.format(format, "environment variable", "key in the file", "default here"));
        source.keyOfEnv.forEach((env, key) -> lines.add(String.format(format, env, key,
            source.described.getOrDefault(key, "(unset; a secret)"))));
        lines.add(String.format(format, "READSTATES_CONFIG", "", "conf/readstates.json"));
        return lines;
    }

    /** Every setting as it will be used, secrets masked, for the start-up log. */
    public Map<String, String> describe()
    {
        return described;
    }

    /** A setting whose value cannot be used; the message names the setting and what would be valid. */
    public static final class BadSetting extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        public BadSetting(final String setting, final String problem)
        {
            super("bad setting " + setting + ": " + problem);
        }
    }

    private static final class Source
    {
        private final JsonObject json;
        private final Map<String, String> env;
        private final Map<String, String> described = new LinkedHashMap<>();
        private final java.util.Set<String> envNames = new java.util.HashSet<>();
        /** The keys read, in the file's terms. */
        private final java.util.Set<String> keys = new java.util.TreeSet<>();
        private final Map<String, String> keyOfEnv = new java.util.TreeMap<>();

        Source(final JsonObject json, final Map<String, String> env)
        {
            this.json = json;
            this.env = env;
        }

        String readSecret(final String key, final String envName)
        {
            final String value = read(key, envName, "", v -> v);
            described.remove(key);
            return value;
        }

        <T> T read(final String key, final String envName, final String fallback, final Function<String, T> parse)
        {
            envNames.add(envName);
            keys.add(key);
            keyOfEnv.put(envName, key);
            String raw = env.get(envName);
            if (raw == null)
            {
                final Object fromFile = json.getValue(key);
                raw = fromFile == null ? fallback : String.valueOf(fromFile);
            }
            raw = raw.trim();
            try
            {
                final T value = parse.apply(raw);
                described.put(key, raw.isEmpty() ? "(unset)" : raw);
                return value;
            }
            catch (final IllegalArgumentException e)
            {
                // A URL may carry a password: it never appears in a message.
                throw new BadSetting(key + " (" + envName + ")", "'" + raw.replaceAll("//[^@/,]*@", "//****@") + "' " +
                    e.getMessage());
            }
        }
    }

    private static int port(final String v)
    {
        return intIn(v, 1, 65535);
    }

    /** A comma-separated list of host:port; empty for none. */
    private static List<String> members(final String v)
    {
        final List<String> members = new java.util.ArrayList<>();
        if (v.isEmpty())
        {
            return members;
        }
        for (final String part : v.split(","))
        {
            final String member = part.trim();
            final int colon = member.lastIndexOf(':');
            if (colon < 1)
            {
                throw new IllegalArgumentException("is not a list of host:port; '" + member + "' has no port");
            }
            try
            {
                port(member.substring(colon + 1));
            }
            catch (final IllegalArgumentException e)
            {
                throw new IllegalArgumentException("is not a list of host:port; the port of '" + member + "' " + e.getMessage());
            }
            members.add(member);
        }
        return members;
    }

    private static String clusterName(final String v)
    {
        if (v.isEmpty() || v.length() > 64 || !v.matches("[A-Za-z0-9._-]*"))
        {
            throw new IllegalArgumentException("is not a cluster name: 1 to 64 letters, digits and . _ -");
        }
        return v;
    }

    /**
     * @return the name under which the cluster engine admits a node: the cluster's name and a digest of the
     * secret, so that a process must know both to join (the engine's open-source edition checks nothing else)
     */
    public String clusterJoinName()
    {
        if (clusterSecret == null)
        {
            return clusterName;
        }
        try
        {
            final byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest((clusterName + '\n' + clusterSecret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return clusterName + "-" + java.util.HexFormat.of().formatHex(digest, 0, 16);
        }
        catch (final java.security.NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String nodeName(final String v)
    {
        if (v.length() > 253 || !v.matches("[A-Za-z0-9._:-]*"))
        {
            throw new IllegalArgumentException("is not a node name: at most 253 letters, digits and . _ : -");
        }
        return v;
    }

    /** @return true if the node is one of a cluster. */
    public boolean clustered()
    {
        return !clusterMembers.isEmpty();
    }

    private static String logLevel(final String v)
    {
        final String level = v.toUpperCase(Locale.ROOT);
        if (!java.util.Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(level))
        {
            throw new IllegalArgumentException("is not a log level; expected TRACE, DEBUG, INFO, WARN, ERROR or OFF");
        }
        return level;
    }

    private static int intIn(final String v, final int min, final int max)
    {
        return (int)longIn(v, min, max);
    }

    private static long longIn(final String v, final long min, final long max)
    {
        final long value;
        try
        {
            value = Long.parseLong(v);
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException("is not a whole number; expected " + min + " to " + max);
        }
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("is out of range; expected " + min + " to " + max);
        }
        return value;
    }

    private static boolean bool(final String v)
    {
        switch (v.toLowerCase(Locale.ROOT))
        {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException("is not a boolean; expected true or false");
        }
    }

    private static String logFormat(final String v)
    {
        if (!"plain".equals(v) && !"json".equals(v))
        {
            throw new IllegalArgumentException("is not a log format; expected plain or json");
        }
        return v;
    }

    private static StoreKind storeKind(final String v)
    {
        try
        {
            return StoreKind.valueOf(v.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException("is not a store kind; expected offheap or onheap");
        }
    }

    /** @return the URLs, comma-separated in the setting (the seed nodes of a Redis Cluster); empty if unset */
    private static List<String> redisUrls(final String v)
    {
        final List<String> urls = new ArrayList<>();
        if (v.isEmpty())
        {
            return urls;
        }
        final String[] listed = v.split(",", -1);
        for (int i = 0; i < listed.length; i++)
        {
            if (!isRedisUrl(listed[i].trim()))
            {
                throw new IllegalArgumentException(listed.length == 1 ? "is not a Redis URL; expected redis://host:port" :
                    "has an entry (number " + (i + 1) + ") that is not a Redis URL; expected redis://host:port,redis://host:port");
            }
            urls.add(listed[i].trim());
        }
        return urls;
    }

    private static boolean isRedisUrl(final String v)
    {
        try
        {
            final URI uri = new URI(v);
            return ("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme())) && uri.getHost() != null;
        }
        catch (final URISyntaxException e)
        {
            return false;
        }
    }

    private static boolean redisCluster(final String v)
    {
        return switch (v.toLowerCase(Locale.ROOT))
        {
            case "standalone" -> false;
            case "cluster" -> true;
            default -> throw new IllegalArgumentException("is not a Redis mode; expected standalone or cluster");
        };
    }
}
