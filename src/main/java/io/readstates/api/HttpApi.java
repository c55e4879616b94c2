package io.readstates.api;

import io.readstates.cluster.NodeMessage;
import io.readstates.cluster.Owners;
import io.readstates.cluster.UserRequest;
import io.readstates.domain.Badges;
import io.readstates.domain.Refusal;
import io.readstates.ownership.Node;
import io.readstates.persist.MessageMarks;
import io.readstates.wire.Codec;
import io.readstates.wire.Ids;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.readstates.gateway.Gateway;

import java.util.HashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API for internal callers. Handlers run on the event loop that accepted the connection: they
 * check the request, hand it to the user's owner ({@link Owners}: this node's shard, or the node that owns
 * the user), and answer when it replies. Every answer about a user names its owner in {@link #OWNER}, so
 * that a caller can send the next request there. See the routes in openapi.json.
 */
public final class HttpApi
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final int MAX_MENTIONS = 1_000;
    private static final int MAX_ACKS = 100;

    /** The HTTP address of the node that owns the user of the request. */
    static final String OWNER = "X-Readstates-Owner";

    private final Owners owners;
    private final BearerTokens tokens;
    private final int bodyLimitBytes;
    private final Refusals refusals;
    /** Every route, for the Allow header of a 405; every event loop's router adds the same ones. */
    private final Set<Route> routes = ConcurrentHashMap.newKeySet();

    private final boolean durableWrites;
    private final MessageMarks marks;

    private record Route(HttpMethod method, String pattern)
    {
    }

    /**
     * @param tokens the internal tokens, one of which every request must carry (none: no check, development only)
     * @param metricsToken a token that reads {@code /metrics} only, or null
     * @param durableWrites whether a change is answered only once Redis confirmed it when the caller does not say
     */
    public HttpApi(final Owners owners, final MessageMarks marks, final List<String> tokens, final String metricsToken,
        final int bodyLimitBytes,
        final Refusals refusals, final boolean durableWrites)
    {
        this.owners = owners;
        this.marks = marks;
        this.durableWrites = durableWrites;
        this.tokens = new BearerTokens(tokens, metricsToken);
        this.bodyLimitBytes = bodyLimitBytes;
        this.refusals = refusals;
    }

    /**
     * Makes {@code server} answer with {@code router} (see {@link #router}), behind the checks of
     * {@link HttpEdge}, and answer requests the HTTP codec could not read with the same JSON errors.
     */
    public HttpServer serve(final HttpServer server, final Router router)
    {
        final HttpEdge edge = new HttpEdge(router, refusals);
        return server.invalidRequestHandler(edge::invalid).requestHandler(edge);
    }

    /**
     * @param open routes that answer without the internal token (health, the demo page); they say
     * nothing about any user
     * @param metrics the Prometheus scrape, behind the internal tokens like the API, or the metrics token
     * @param gateway takes the WebSocket upgrades of the gateway's path (it checks its own tokens); null
     * when the gateway is off
     */
    public Router router(final Vertx vertx, final java.util.function.Consumer<Router> open, final Handler<RoutingContext> metrics,
        final Handler<ServerWebSocket> gateway)
    {
        final Router router = Router.router(vertx);
        open.accept(router);
        router.route(Gateway.PATH).handler(ctx -> upgrade(ctx, gateway));
        router.get("/metrics").handler(ctx -> authenticate(ctx, tokens.metrics(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))))
            .handler(metrics);
        router.route().handler(ctx -> authenticate(ctx, tokens.internal(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))));
        router.route().handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes));

        route(router, HttpMethod.POST, "/v1/messages", this::messageCreated);
        route(router, HttpMethod.POST, "/v1/deleted-messages", this::messageDeleted);
        route(router, HttpMethod.POST, "/v1/users/:userId/channels/:channelId/ack", this::ack);
        route(router, HttpMethod.POST, "/v1/users/:userId/acks", this::bulkAck);
        route(router, HttpMethod.GET, "/v1/users/:userId/read-states", this::readStates);
        route(router, HttpMethod.GET, "/v1/users/:userId/channels/:channelId/read-state", this::readState);
        route(router, HttpMethod.DELETE, "/v1/users/:userId/channels/:channelId/read-state", this::deleteReadState);
        route(router, HttpMethod.DELETE, "/v1/users/:userId", this::deleteUser);
        route(router, HttpMethod.GET, "/v1/users/:userId/badges", this::badges);
        route(router, HttpMethod.GET, "/v1/cluster", this::clusterView);

        router.route().failureHandler(this::failed);
        router.errorHandler(400, ctx -> error(ctx, 400, "bad_request", "the request's path or query cannot be read"));
        router.errorHandler(404, ctx -> error(ctx, 404, "not_found",
            "no route " + ctx.request().method() + " " + ctx.request().path()));
        router.errorHandler(405, ctx ->
        {
            ctx.response().putHeader(HttpHeaders.ALLOW, allowed(ctx.request().path()));
            error(ctx, 405, "method_not_allowed", ctx.request().method() + " is not allowed on " + ctx.request().path());
        });
        return router;
    }

    /** Adds a route. */
    private void route(final Router router, final HttpMethod method, final String path, final Handler<RoutingContext> handler)
    {
        router.route(method, path).handler(handler);
        routes.add(new Route(method, path.replaceAll(":\\w+", "[^/]+")));
    }

    /** @return the methods the routes take on a path, for the Allow header. */
    private String allowed(final String path)
    {
        final Set<String> methods = new TreeSet<>();
        for (final Route route : routes)
        {
            if (path.matches(route.pattern()))
            {
                methods.add(route.method().name());
            }
        }
        return String.join(", ", methods);
    }

    // ---------------------------------------------------------------------------------------------
    // Routes
    // ---------------------------------------------------------------------------------------------

    /** The gateway's path takes WebSocket upgrades only, and only while the gateway is on. */
    private void upgrade(final RoutingContext ctx, final Handler<ServerWebSocket> gateway)
    {
        if (gateway == null)
        {
            error(ctx, 503, "gateway_off", "the WebSocket gateway is off: the service has no user-token secret");
        }
        else if (!HttpEdge.isWebSocketUpgrade(ctx.request()))
        {
            error(ctx, 400, "websocket_required", "this path takes a WebSocket upgrade");
        }
        else if (!validHandshake(ctx.request()))
        {
            // Vert.x would refuse it too, in plain text, and keep the connection: refuse it here, in JSON, and close.
            ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            ctx.response().bodyEndHandler(v -> ctx.request().connection().close());
            error(ctx, 400, "bad_handshake", "a WebSocket upgrade is a GET with Connection: Upgrade, Sec-WebSocket-Key " +
                "and Sec-WebSocket-Version: 13");
        }
        else
        {
            ctx.request().toWebSocket().onSuccess(gateway).onFailure(e ->
            {
                error(ctx, 400, "bad_handshake", "the WebSocket handshake is not valid");
                ctx.request().connection().close();
            });
        }
    }

    private static boolean validHandshake(final HttpServerRequest request)
    {
        final String connection = request.getHeader(HttpHeaders.CONNECTION);
        return request.method() == HttpMethod.GET && connection != null &&
            connection.toLowerCase(java.util.Locale.ROOT).contains("upgrade") &&
            request.getHeader("Sec-WebSocket-Key") != null &&
            "13".equals(request.getHeader("Sec-WebSocket-Version"));
    }

    private void clusterView(final RoutingContext ctx)
    {
        owners.view().onSuccess(view -> json(ctx, 200, cluster(view))).onFailure(ctx::fail);
    }

    /**
     * The cluster as this node sees it: this node, every node with the slots it serves and the users it
     * holds (null figures for one that did not answer), and the slot map: each slot's owner, by index, with
     * the epoch its owner serves it under (null while it does not).
     */
    private static JsonObject cluster(final Owners.View view)
    {
        final JsonArray nodes = new JsonArray();
        final Map<String, Long> epochs = new HashMap<>();
        for (final NodeMessage.Described node : view.nodes())
        {
            nodes.add(described(node));
            if (node.slots() != null)
            {
                for (int i = 0; i < node.slots().length; i++)
                {
                    epochs.put(node.name() + "/" + node.slots()[i], node.epochs()[i]);
                }
            }
        }
        final JsonArray slotMap = new JsonArray();
        for (int slot = 0; slot < view.owners().length; slot++)
        {
            final Node owner = view.owners()[slot];
            slotMap.add(new JsonObject().put("owner", owner.address()).put("epoch", epochs.get(owner.name() + "/" + slot)));
        }
        return new JsonObject()
            .put("node", described(view.self()))
            .put("clustered", view.clustered())
            .put("quorum", view.quorum())
            .put("members", nodes)
            .put("slotMap", slotMap);
    }

    private static JsonObject described(final NodeMessage.Described node)
    {
        return new JsonObject()
            .put("id", node.name())
            .put("address", node.address())
            .put("slots", node.slots() == null ? null : node.slots().length)
            .put("residentUsers", node.slots() == null ? null : node.residentUsers());
    }

    /** A message was created: its users' owners apply it (see {@link Owners#message}). */
    private void messageCreated(final RoutingContext ctx)
    {
        final RequestBody body = RequestBody.of(ctx);
        final long channelId = body.id("channelId");
        final long messageId = body.id("messageId");
        final long authorId = body.id("authorId");
        final long guildId = body.has("guildId") ? body.id("guildId") : Badges.DIRECT_MESSAGES;
        final long[] mentionedIds = mentions(body, authorId);
        if (mentionedIds.length == 0)
        {
            // Nothing in it counts twice (an ack, a channel's last message): a repeat needs no recognising.
            owners.message(channelId, messageId, authorId, guildId, mentionedIds)
                .onSuccess(ok -> ctx.response().setStatusCode(202).end())
                .onFailure(ctx::fail);
            return;
        }
        // A message applied in full already is a retry: answered as the first was, changing nothing.
        marks.applied(channelId, messageId)
            .compose(applied -> applied ? Future.succeededFuture() :
                owners.message(channelId, messageId, authorId, guildId, mentionedIds)
                    .compose(done -> marks.mark(channelId, messageId)))
            .onSuccess(ok -> ctx.response().setStatusCode(202).end())
            .onFailure(ctx::fail);
    }

    /**
     * A message was deleted: each user it mentioned who has not read it yet loses that mention, on the
     * user's owner. Repeated, it takes back nothing more (see {@link UserRequest.Unmention}).
     */
    private void messageDeleted(final RoutingContext ctx)
    {
        final RequestBody body = RequestBody.of(ctx);
        final long channelId = body.id("channelId");
        final long messageId = body.id("messageId");
        final long[] mentioned = mentions(body, 0);
        marks.deletionApplied(channelId, messageId)
            .compose(applied -> applied ? Future.succeededFuture() :
                Future.all(Arrays.stream(mentioned).mapToObj(userId -> owners.call(new UserRequest.Unmention(userId, channelId, messageId)))
                    .toList()).compose(done -> marks.markDeletion(channelId, messageId)))
            .onSuccess(ok -> ctx.response().setStatusCode(202).end())
            .onFailure(ctx::fail);
    }

    /** @return the distinct users of the body's {@code mentions}, in their order, {@code except} left out (0: none) */
    private static long[] mentions(final RequestBody body, final long except)
    {
        final JsonArray list = body.array("mentions", 0, MAX_MENTIONS);
        final Set<Long> mentioned = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++)
        {
            final long userId = body.idAt("mentions", list, i);
            if (userId != except)
            {
                mentioned.add(userId);
            }
        }
        return mentioned.stream().mapToLong(Long::longValue).toArray();
    }

    private void ack(final RoutingContext ctx)
    {
        final long userId = RequestBody.pathId(ctx, "userId");
        final long channelId = RequestBody.pathId(ctx, "channelId");
        final RequestBody body = RequestBody.of(ctx);
        final long messageId = body.id("messageId");
        final boolean manual = body.bool("manual", false);
        if (!manual && body.has("mentionCount"))
        {
            throw Refusal.badRequest("invalid_field", "mentionCount is only allowed with \"manual\": true");
        }
        final int mentionCount = manual ? body.count("mentionCount") : 0;
        call(ctx, durableIfAsked(ctx, manual ? new UserRequest.ManualAck(userId, channelId, messageId, mentionCount) :
                new UserRequest.Ack(userId, channelId, messageId)))
            .onSuccess(state -> json(ctx, 200, Codec.readState(state)))
            .onFailure(ctx::fail);
    }

    private void bulkAck(final RoutingContext ctx)
    {
        final long userId = RequestBody.pathId(ctx, "userId");
        final RequestBody body = RequestBody.of(ctx);
        final JsonArray list = body.array("acks", 1, MAX_ACKS);
        final long[] channels = new long[list.size()];
        final long[] messages = new long[list.size()];
        for (int i = 0; i < list.size(); i++)
        {
            final RequestBody entry = body.element("acks", list, i);
            channels[i] = entry.id("channelId");
            messages[i] = entry.id("messageId");
        }
        call(ctx, durableIfAsked(ctx, new UserRequest.Acks(userId, channels, messages)))
            .onSuccess(states -> json(ctx, 200, new JsonObject().put("readStates", Codec.readStates(states))))
            .onFailure(ctx::fail);
    }

    private void readStates(final RoutingContext ctx)
    {
        final long userId = RequestBody.pathId(ctx, "userId");
        call(ctx, new UserRequest.AllReadStates(userId))
            .onSuccess(states -> json(ctx, 200, Codec.readStatesOf(userId, states)))
            .onFailure(ctx::fail);
    }

    private void readState(final RoutingContext ctx)
    {
        final long userId = RequestBody.pathId(ctx, "userId");
        final long channelId = RequestBody.pathId(ctx, "channelId");
        call(ctx, new UserRequest.OneReadState(userId, channelId))
            .onSuccess(state ->
            {
                if (state == null)
                {
                    error(ctx, 404, "not_found", "user " + Ids.format(userId) +
                        " has no read state for channel " + Ids.format(channelId));
                }
                else
                {
                    json(ctx, 200, Codec.readState(state));
                }
            })
            .onFailure(ctx::fail);
    }

    private void deleteReadState(final RoutingContext ctx)
    {
        final long userId = RequestBody.pathId(ctx, "userId");
        final long channelId = RequestBody.pathId(ctx, "channelId");
        call(ctx, durableIfAsked(ctx, new UserRequest.Delete(userId, channelId)))
            .onSuccess(done -> ctx.response().setStatusCode(204).end())
            .onFailure(ctx::fail);
    }

    private void deleteUser(final RoutingContext ctx)
    {
        final long userId = RequestBody.pathId(ctx, "userId");
        call(ctx, durableIfAsked(ctx, new UserRequest.DeleteUser(userId)))
            .onSuccess(done -> ctx.response().setStatusCode(204).end())
            .onFailure(ctx::fail);
    }

    private void badges(final RoutingContext ctx)
    {
        final long userId = RequestBody.pathId(ctx, "userId");
        call(ctx, new UserRequest.BadgesOf(userId))
            .onSuccess(badges -> json(ctx, 200, Codec.badges(badges)))
            .onFailure(ctx::fail);
    }

    // ---------------------------------------------------------------------------------------------
    // Plumbing
    // ---------------------------------------------------------------------------------------------

    /**
     * @return the change, to be answered only once Redis confirmed it if the caller asks so ({@code durable=true}),
     * or does not say and the node makes every change durable
     */
    private <T> UserRequest<T> durableIfAsked(final RoutingContext ctx, final UserRequest<T> change)
    {
        final List<String> asked = ctx.queryParam("durable");
        if (asked.size() > 1 || asked.size() == 1 && !asked.get(0).equals("true") && !asked.get(0).equals("false"))
        {
            throw Refusal.badRequest("invalid_parameter", "durable must be given once, true or false");
        }
        final boolean durable = asked.isEmpty() ? durableWrites : asked.get(0).equals("true");
        return durable ? new UserRequest.Durable<>(change) : change;
    }

    /** Hands a request about a user to its owner, and names the owner in the answer. */
    private <T> Future<T> call(final RoutingContext ctx, final UserRequest<T> request)
    {
        final Node owner = owners.of(request.userId());
        ctx.response().putHeader(OWNER, owner.address());
        return owners.call(request);
    }

    /**
     * Every route, known or not, needs an internal token, as {@code Bearer <token>} (the scheme in any case);
     * {@code /metrics} also takes the metrics token (see {@link BearerTokens}).
     */
    private void authenticate(final RoutingContext ctx, final boolean accepted)
    {
        if (!accepted)
        {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            error(ctx, 401, "unauthorized", ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null ?
                "send the internal token as Authorization: Bearer <token>" : "the token is not valid here");
            return;
        }
        ctx.next();
    }

    private void failed(final RoutingContext ctx)
    {
        final Throwable failure = ctx.failure();
        if (failure instanceof Refusal)
        {
            refuse(ctx, (Refusal)failure);
        }
        else if (connectionClosed(failure))
        {
            // The caller went away mid-answer: nothing to answer, nothing wrong here.
            return;
        }
        else if (ctx.statusCode() == 413)
        {
            error(ctx, 413, "payload_too_large", "the body is larger than the limit of " + bodyLimitBytes + " bytes");
        }
        else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500)
        {
            error(ctx, ctx.statusCode(), codeOf(ctx.statusCode()), "the request could not be handled");
        }
        else
        {
            LOG.error("request failed: {} {}", ctx.request().method(), ctx.request().path(), failure);
            error(ctx, 500, "internal", "an internal error occurred");
        }
    }

    private static boolean connectionClosed(final Throwable failure)
    {
        for (Throwable t = failure; t != null; t = t.getCause())
        {
            if (t instanceof java.nio.channels.ClosedChannelException || t instanceof io.vertx.core.http.HttpClosedException)
            {
                return true;
            }
        }
        return false;
    }

    /** A code for a refusal that only has a status, such as one a handler of Vert.x Web answered. */
    private static String codeOf(final int status)
    {
        switch (status)
        {
            case 404:
                return "not_found";
            case 405:
                return "method_not_allowed";
            case 415:
                return "unsupported_media_type";
            default:
                return "bad_request";
        }
    }

    /** The one place a refusal becomes an HTTP answer. */
    private void refuse(final RoutingContext ctx, final Refusal refusal)
    {
        if (refusal.retryAfterSeconds() > 0)
        {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(refusal.retryAfterSeconds()));
        }
        error(ctx, refusal.status(), refusal.code(), refusal.getMessage());
    }

    private static void json(final RoutingContext ctx, final int status, final JsonObject body)
    {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }

    private void error(final RoutingContext ctx, final int status, final String code, final String message)
    {
        if (status < 500)
        {
            refusals.refused(status, code, message);
        }
        if (!ctx.response().ended())
        {
            json(ctx, status, Codec.error(code, message));
        }
    }
}
