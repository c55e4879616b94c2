package io.readstates;

import io.readstates.api.HttpApi;
import io.readstates.cluster.HandOver;
import io.readstates.cluster.Heartbeats;
import io.readstates.cluster.Membership;
import io.readstates.cluster.Nodes;
import io.readstates.cluster.Owners;
import io.readstates.ownership.Node;
import io.readstates.ownership.Ownership;
import io.readstates.api.Refusals;
import io.readstates.config.Settings;
import io.readstates.config.Version;
import io.readstates.gateway.ClusterSessions;
import io.readstates.gateway.Gateway;
import io.readstates.gateway.GatewayLoop;
import io.readstates.gateway.ShardSessions;
import io.readstates.gateway.UserTokens;
import io.readstates.ops.Health;
import io.readstates.ops.Metrics;
import io.readstates.ops.ShardStats;
import io.readstates.persist.MessageMarks;
import io.readstates.persist.RedisCommands;
import io.readstates.persist.RedisStatus;
import io.readstates.persist.RedisTarget;
import io.readstates.shard.Shard;
import io.readstates.shard.ShardListener;
import io.readstates.shard.ShardSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.readstates.shard.Shards;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service: one shard verticle per event loop, and as many HTTP server instances sharing
 * the port; in a cluster, also the hand-over of slots between members. Stopping closes the HTTP
 * servers first (no new requests), then stops serving any slot, then closes the shards, each of which
 * writes all of its dirty records before it goes; a member leaves its cluster last.
 */
public final class ReadStatesService
{
    private static final Logger LOG = LoggerFactory.getLogger(ReadStatesService.class);

    /** The contract of the HTTP API (src/main/resources/openapi.json), served as it is. */
    private static final io.vertx.core.buffer.Buffer OPENAPI = openApiDocument();

    private final Vertx vertx;
    private final List<String> shardDeployments;
    private final String apiDeployment;
    /** Null for a node alone. */
    private final String handOverDeployment;
    private final HandOver handOver;

    private ReadStatesService(final Vertx vertx, final List<String> shardDeployments, final String apiDeployment,
        final String handOverDeployment, final HandOver handOver)
    {
        this.handOverDeployment = handOverDeployment;
        this.handOver = handOver;
        this.vertx = vertx;
        this.shardDeployments = shardDeployments;
        this.apiDeployment = apiDeployment;
    }

    public static Future<ReadStatesService> start(final Settings settings, final RedisTarget redis)
    {
        final Metrics metrics = new Metrics();
        final VertxOptions options = new VertxOptions().setEventLoopPoolSize(settings.shards)
            .setMetricsOptions(Metrics.vertxMetricsOptions());
        final VertxBuilder builder = Vertx.builder().with(options).withMetrics(metrics.vertxMetricsFactory());
        if (!settings.clustered())
        {
            return startOn(builder.build(), metrics, settings, redis, null);
        }
        final Membership membership = new Membership(settings);
        if (settings.clusterHost != null)
        {
            options.getEventBusOptions().setHost(settings.clusterHost).setClusterPublicHost(settings.clusterHost);
        }
        return builder.withClusterManager(membership.manager()).buildClustered()
            .compose(vertx -> startOn(vertx, metrics, settings, redis, membership));
    }

    /** @param membership null for a node alone */
    private static Future<ReadStatesService> startOn(final Vertx vertx, final Metrics metrics, final Settings settings,
        final RedisTarget redis, final Membership membership)
    {
        final Counter unhandled = metrics.unhandledFailures();
        vertx.exceptionHandler(e ->
        {
            unhandled.increment();
            LOG.error("unhandled failure on an event loop", e);
        });
        final boolean gatewayOn = settings.userTokenSecret != null;
        final Ownership ownership = membership == null ?
            Ownership.alone(new Node("local", "localhost:" + settings.httpPort)) : Ownership.member(membership.self());
        final List<Shard> shards = new ArrayList<>();
        final List<String> deployments = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        final List<ShardStats> stats = new ArrayList<>();
        final List<ShardSessions> sessions = new ArrayList<>();
        final RedisStatus redisStatus = new RedisStatus(settings.redisTimeoutMs);
        for (int i = 0; i < settings.shards; i++)
        {
            final ShardStats shardStats = new ShardStats();
            stats.add(shardStats);
            final ShardSessions shardSessions = new ShardSessions(settings.maxSessionsPerUser,
                Math.max(1, settings.maxSessions / settings.shards), shardStats, ownership::epochOf);
            sessions.add(shardSessions);
            final DistributionSummary batchSizes = metrics.batchSizes(i);
            final Timer flushLag = metrics.flushLag(i);
            final Shard shard = new Shard(ShardSettings.of(settings, i, redis), redisStatus, shardStats, (records, nanos) ->
            {
                batchSizes.record(records);
                flushLag.record(nanos, TimeUnit.NANOSECONDS);
            }, gatewayOn ? shardSessions : ShardListener.NONE, ownership);
            shards.add(shard);
            // One deployment at a time: Vert.x gives each new deployment the next event loop in turn.
            chain = chain.compose(v -> vertx.deployVerticle(shard).map(id ->
            {
                deployments.add(id);
                return null;
            }));
        }
        metrics.bindShards(stats);
        metrics.bindBuildInfo(Version.get());
        final RedisCommands healthRedis = redis.connect(vertx, "redis-health");
        final HealthChecks live = Health.live(vertx);
        final Shards router = new Shards(shards);
        final Nodes nodes = new Nodes(vertx, ownership.self().name(), settings.clusterRequestTimeoutMs);
        final Heartbeats heartbeats = membership == null ? null :
            new Heartbeats(vertx, nodes, ownership, settings.clusterMinMembers, settings.clusterFailureTimeoutMs);
        final HandOver handOver = membership == null ? null : new HandOver(membership, heartbeats, ownership, router, redis,
            settings.clusterMinMembers, settings.clusterHandOverTimeoutMs);
        if (membership != null)
        {
            metrics.bindCluster(ownership::leased, ownership::servedSlots);
        }
        final HealthChecks ready = Health.ready(vertx, stats, healthRedis, settings.redisTimeoutMs,
            handOver == null ? null : () -> handOver.quorum() && ownership.leased() && ownership.settled());
        final Owners owners = new Owners(vertx, ownership, router, handOver == null ? () -> true : handOver::quorum,
            () -> stats.stream().mapToLong(st -> st.residentUsers).sum(), nodes);
        final MessageMarks marks = new MessageMarks(redis.connect(vertx, "redis-messages"), settings.messageRetryWindowMs,
            settings.redisTimeoutMs);
        final HttpApi api = new HttpApi(owners, marks, settings.internalTokens, settings.metricsToken, settings.bodyLimitBytes,
            new Refusals(metrics.registry()), settings.durableWrites);
        final ClusterSessions clusterSessions = membership == null || !gatewayOn ? null :
            new ClusterSessions(vertx, owners, router, sessions, settings.maxSessionsPerUser);
        if (clusterSessions != null)
        {
            heartbeats.onLinkRestored(clusterSessions::linkRestored);
        }
        final Gateway gateway = !gatewayOn ? null :
            new Gateway(router, sessions, new UserTokens(vertx, settings.userTokenSecret), settings.identifyTimeoutMs,
                settings.maxFrameBytes, settings.slowConsumerTimeoutMs, settings.sessionIdleTimeoutMs, metrics.pushLatency(),
                clusterSessions);
        final List<String> handOverId = new ArrayList<>();
        return chain
            .compose(v -> handOver == null ? Future.succeededFuture() : vertx.deployVerticle(handOver).map(id ->
            {
                handOverId.add(id);
                return null;
            }))
            .compose(v -> vertx.deployVerticle(() -> new ApiVerticle(api, gateway, settings, routes(vertx, live, ready),
                    metrics.scrape()),
                new DeploymentOptions().setInstances(settings.shards)))
            .map(apiId ->
            {
                LOG.info("readstates listening on port {} with {} shards, {} store of {} bytes each{}", settings.httpPort,
                    settings.shards, settings.store.name().toLowerCase(java.util.Locale.ROOT),
                    ShardSettings.of(settings, 0, redis).cacheBytes(),
                    membership == null ? "" : ", node " + ownership.self().name() + " of a cluster");
                return new ReadStatesService(vertx, deployments, apiId, handOverId.isEmpty() ? null : handOverId.get(0),
                    handOver);
            })
            .recover(e -> vertx.close().transform(ar -> Future.failedFuture(e)));
    }

    /**
     * Stops accepting requests, writes every dirty record to Redis, then releases everything. Call it
     * from a thread that is not one of the service's own (a shutdown hook, a test): it waits.
     *
     * @return false if some shard could not write everything before its shutdown timeout.
     */
    public boolean stop(final long timeoutMs) throws Exception
    {
        try
        {
            vertx.undeploy(apiDeployment).toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
            if (handOverDeployment != null)
            {
                // Serve no one any more; the node stays a member until its changes are written, then leaves.
                vertx.undeploy(handOverDeployment).toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
            }
            final List<Future<Void>> drains = new ArrayList<>();
            for (final String id : shardDeployments)
            {
                drains.add(vertx.undeploy(id));
            }
            // join waits for every shard, failed or not; each failure is reported below.
            Future.join(drains).toCompletionStage().toCompletableFuture().handle((done, failure) -> null)
                .get(timeoutMs, TimeUnit.MILLISECONDS);
            boolean everythingWritten = true;
            for (final Future<Void> drain : drains)
            {
                if (drain.failed())
                {
                    everythingWritten = false;
                    LOG.error("a shard stopped with changes not written: {}", drain.cause().getMessage());
                }
            }
            if (everythingWritten && handOver != null)
            {
                handOver.withdraw().toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
            }
            return everythingWritten;
        }
        finally
        {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static io.vertx.core.buffer.Buffer openApiDocument()
    {
        try (java.io.InputStream in = ReadStatesService.class.getResourceAsStream("/openapi.json"))
        {
            return io.vertx.core.buffer.Buffer.buffer(in.readAllBytes());
        }
        catch (final java.io.IOException | NullPointerException e)
        {
            throw new IllegalStateException("the service jar has no openapi.json", e);
        }
    }

    /** Routes that answer without the internal token: they reveal nothing about any user. */
    private static Consumer<Router> routes(final Vertx vertx, final HealthChecks live, final HealthChecks ready)
    {
        return router ->
        {
            router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
            router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
            router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(OPENAPI));
            router.getWithRegex("^/demo$").handler(ctx -> ctx.redirect("/demo/"));
            router.get("/demo/*").handler(StaticHandler.create("webroot/demo").setCachingEnabled(false));
        };
    }

    private static final class ApiVerticle extends VerticleBase
    {
        /** The largest frame read whole before it is refused: past it, Netty refuses it as it arrives. */
        private static final int FRAME_BACKSTOP_BYTES = 128 * 1024;

        private final HttpApi api;
        private final Gateway gateway;
        private final Settings settings;
        private final Consumer<Router> open;
        private final Handler<RoutingContext> metrics;
        private GatewayLoop gatewayLoop;

        ApiVerticle(final HttpApi api, final Gateway gateway, final Settings settings, final Consumer<Router> open,
            final Handler<RoutingContext> metrics)
        {
            this.api = api;
            this.gateway = gateway;
            this.settings = settings;
            this.open = open;
            this.metrics = metrics;
        }

        @Override
        public Future<?> start()
        {
            final HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                .setPort(settings.httpPort)
                .setTcpNoDelay(true)
                // A connection that stays silent (a request never finished, a client gone without a word) is closed.
                .setIdleTimeout((int)settings.connectionIdleTimeoutMs)
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                // The gateway refuses messages over maxFrameBytes itself, with 1009, once it has read them:
                // closing with a frame half read would reset the connection, and the client might never
                // see why. Netty refuses frames over a larger backstop before buffering them. No
                // compression: frames are small, and a reserved bit that no negotiated extension
                // explains is then a protocol error (1002), as it must be.
                .setMaxWebSocketFrameSize(Math.max(settings.maxFrameBytes, FRAME_BACKSTOP_BYTES))
                .setMaxWebSocketMessageSize(Math.max(settings.maxFrameBytes, FRAME_BACKSTOP_BYTES))
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                // No h2c upgrade: callers speak HTTP/1.1, and an upgrade must never leave a connection hanging.
                .setHttp2ClearTextEnabled(false));
            gatewayLoop = gateway == null ? null : gateway.onThisLoop(vertx);
            return api.serve(server, api.router(vertx, open, metrics, gatewayLoop == null ? null : gatewayLoop::accept)).listen();
        }

        /** Sessions are told the service is stopping before the server closes under them. */
        @Override
        public Future<?> stop()
        {
            if (gatewayLoop != null)
            {
                gatewayLoop.closeAll();
            }
            return Future.succeededFuture();
        }
    }
}
