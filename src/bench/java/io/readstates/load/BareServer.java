package io.readstates.load;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The framework's own limit: a Vert.x HTTP server, one instance per event loop like the service, that
 * reads each request's body and answers a constant read state. Nothing else.
 */
final class BareServer extends VerticleBase
{
    private static final String ANSWER = "{\"channelId\":\"1\",\"lastMessageId\":\"1\",\"mentionCount\":0,\"version\":1}";

    private final int port;

    private BareServer(final int port)
    {
        this.port = port;
    }

    static void run(final Options options) throws Exception
    {
        final int loops = options.integer("shards", Runtime.getRuntime().availableProcessors());
        final int port = options.integer("port", 8090);
        final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        vertx.deployVerticle(() -> new BareServer(port), new DeploymentOptions().setInstances(loops))
            .toCompletionStage().toCompletableFuture().get();
        System.out.println("bare endpoint listening on " + port);
    }

    @Override
    public Future<?> start()
    {
        return vertx.createHttpServer().requestHandler(request -> request.body().onComplete(b ->
            request.response().putHeader("Content-Type", "application/json").end(ANSWER))).listen(port);
    }
}
