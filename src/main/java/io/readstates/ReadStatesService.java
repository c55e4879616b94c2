package io.readstates;

import io.readstates.api.HttpApi;
import io.readstates.config.Settings;
import io.readstates.gateway.Gateway;
import io.readstates.gateway.UserTokens;
import io.readstates.shard.Shard;
import io.readstates.shard.Shards;
import io.vertx.core.CompositeFuture;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The running service: one shard verticle per event loop, and as many HTTP server instances sharing
 * the port. Stopping closes the HTTP servers first (no new requests), then the shards, each of which
 * writes all of its dirty records before it goes.
 */
public final class ReadStatesService
{
    private static final Logger LOG = Logger.getLogger(ReadStatesService.class.getName());

    private static final AtomicLong UNHANDLED = new AtomicLong();

    private final Vertx vertx;
    private final List<String> shardDeployments;
    private final String apiDeployment;

    private ReadStatesService(final Vertx vertx, final List<String> shardDeployments, final String apiDeployment)
    {
        this.vertx = vertx;
        this.shardDeployments = shardDeployments;
        this.apiDeployment = apiDeployment;
    }

    public static Future<ReadStatesService> start(final Settings settings, final String redisUrl)
    {
        final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(settings.shards));
        vertx.exceptionHandler(e ->
        {
            UNHANDLED.incrementAndGet();
            LOG.log(Level.SEVERE, "unhandled failure on an event loop", e);
        });
        final List<Shard> shards = new ArrayList<>();
        final List<String> deployments = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < settings.shards; i++)
        {
            final Shard shard = new Shard(i, settings, redisUrl);
            shards.add(shard);
            // One deployment at a time: Vert.x gives each new deployment the next event loop in turn.
            chain = chain.compose(v -> vertx.deployVerticle(shard).map(id ->
            {
                deployments.add(id);
                return null;
            }));
        }
        final Shards router = new Shards(shards);
        final HttpApi api = new HttpApi(router, settings.internalToken, settings.bodyLimitBytes);
        final Gateway gateway = settings.userTokenSecret == null ? null :
            new Gateway(vertx, router, new UserTokens(vertx, settings.userTokenSecret), settings.identifyTimeoutMs);
        return chain
            .compose(v -> vertx.deployVerticle(() -> new ApiVerticle(api, gateway, settings),
                new DeploymentOptions().setInstances(settings.shards)))
            .map(apiId ->
            {
                LOG.info("readstates listening on port " + settings.httpPort + " with " + settings.shards +
                    " shards, " + settings.store.name().toLowerCase() + " store of " + settings.cacheBytesPerShard() +
                    " bytes each");
                return new ReadStatesService(vertx, deployments, apiId);
            })
            .recover(e -> vertx.close().transform(ar -> Future.failedFuture(e)));
    }

    /** @return how many failures escaped every handler since the process started: a bug, each one. */
    public static long unhandledFailures()
    {
        return UNHANDLED.get();
    }

    /**
     * Stops accepting requests, writes every dirty record to Redis, then releases everything. Call it
     * from a thread that is not one of the service's own (a shutdown hook, a test): it waits.
     *
     * @return false if some shard could not write everything before its shutdown timeout.
     */
    public boolean stop(final long timeoutMs) throws Exception
    {
        boolean everythingWritten = true;
        try
        {
            vertx.undeploy(apiDeployment).toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
            final List<Future<Void>> drains = new ArrayList<>();
            for (final String id : shardDeployments)
            {
                drains.add(vertx.undeploy(id));
            }
            final CompositeFuture all = Future.join(drains).toCompletionStage().toCompletableFuture()
                .handle((done, failure) -> (CompositeFuture)null).get(timeoutMs, TimeUnit.MILLISECONDS);
            for (final Future<Void> drain : drains)
            {
                if (drain.failed())
                {
                    everythingWritten = false;
                    LOG.severe("a shard stopped with changes not written: " + drain.cause().getMessage());
                }
            }
            return everythingWritten && all == null;
        }
        finally
        {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static final class ApiVerticle extends VerticleBase
    {
        private final HttpApi api;
        private final Gateway gateway;
        private final Settings settings;

        ApiVerticle(final HttpApi api, final Gateway gateway, final Settings settings)
        {
            this.api = api;
            this.gateway = gateway;
            this.settings = settings;
        }

        @Override
        public Future<?> start()
        {
            final HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                .setPort(settings.httpPort)
                .setTcpNoDelay(true)
                .setMaxWebSocketFrameSize(settings.maxFrameBytes)
                .setMaxWebSocketMessageSize(settings.maxFrameBytes));
            server.webSocketHandshakeHandler(handshake ->
            {
                if (!Gateway.PATH.equals(handshake.path()))
                {
                    handshake.reject(404);
                }
                else if (gateway == null)
                {
                    handshake.reject(503);
                }
                else
                {
                    handshake.accept();
                }
            });
            if (gateway != null)
            {
                server.webSocketHandler(gateway::accept);
            }
            return server.requestHandler(api.router(vertx)).listen();
        }
    }
}
