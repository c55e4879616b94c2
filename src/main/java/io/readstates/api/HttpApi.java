package io.readstates.api;

import io.readstates.cluster.Ownership;
import io.readstates.domain.Badges;
import io.readstates.domain.Refusal;
import io.readstates.shard.Shard;
import io.readstates.shard.Shards;
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

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.readstates.gateway.Gateway;

import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API for internal callers. Handlers run on the event loop that accepted the connection: they
 * check the request, hand the work to the user's shard, and answer when the shard replies. See the
 * routes in openapi.json.
 */
public final class HttpApi
{
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final int MAX_MENTIONS = 1_000;
    private static final int MAX_ACKS = 100;

    private static final String BEARER = "Bearer ";

    private final Shards shards;
    private final byte[] token;
    private final int bodyLimitBytes;
    private final Refusals refusals;
    private final ClusterRouting cluster;
    /** Every route, for the Allow header of a 405; every event loop's router adds the same ones. */
    private final Set<Route> routes = ConcurrentHashMap.newKeySet();

    private record Route(HttpMethod method, String pattern)
    {
    }

    /**
     * @param token the internal token every request must carry; null disables the check (development only).
     */
    public HttpApi(final Shards shards, final String token, final int bodyLimitBytes, final Refusals refusals,
        final ClusterRouting cluster)
    {
        this.cluster = cluster;
        this.shards = shards;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
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
     * @param metrics the Prometheus scrape, behind the internal token like the API
     * @param gateway takes the WebSocket upgrades of the gateway's path (it checks its own tokens); null
     * when the gateway is off
     */
    public Router router(final Vertx vertx, final java.util.function.Consumer<Router> open, final Handler<RoutingContext> metrics,
        final Handler<ServerWebSocket> gateway)
    {
        final Router router = Router.router(vertx);
        open.accept(router);
        router.route(Gateway.PATH).handler(ctx -> upgrade(ctx, gateway));
        router.route().handler(this::authenticate);
        router.get("/metrics").handler(metrics);
        router.route().handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes));

        route(router, HttpMethod.POST, "/v1/messages", this::messageCreated);
        route(router, HttpMethod.POST, "/v1/users/:userId/channels/:channelId/ack", this::ack);
        route(router, HttpMethod.POST, "/v1/users/:userId/acks", this::bulkAck);
        route(router, HttpMethod.GET, "/v1/users/:userId/read-states", this::readStates);
        route(router, HttpMethod.GET, "/v1/users/:userId/channels/:channelId/read-state", this::readState);
        route(router, HttpMethod.DELETE, "/v1/users/:userId/channels/:channelId/read-state", this::deleteReadState);
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

    /** Adds a route; one about a user is answered by the node that owns the user. */
    private void route(final Router router, final HttpMethod method, final String path, final Handler<RoutingContext> handler)
    {
        router.route(method, path).handler(path.contains(":userId") ? ctx -> toOwner(ctx, handler) : handler);
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

    /** Requests about a user go to the node that owns it; a path id that is not one is refused here. */
    private void toOwner(final RoutingContext ctx, final Handler<RoutingContext> handler)
    {
        cluster.route(ctx, RequestBody.pathId(ctx, "userId"), () -> handler.handle(ctx));
    }

    private void clusterView(final RoutingContext ctx)
    {
        if (ctx.request().getHeader(Forwarder.FORWARDED) != null)
        {
            json(ctx, 200, new JsonObject().put("node", cluster.node()));
            return;
        }
        cluster.view(ctx).onSuccess(view -> json(ctx, 200, view)).onFailure(ctx::fail);
    }

    /**
     * A message was created. First every node and shard whose users it touches checks that its part
     * fits (a failure here changes nothing); then every node learns the channel's new last message,
     * the author's read state is acked to it and each mentioned user other than the author gets a
     * mention. A node that is sent its part by another handles only that part.
     */
    private void messageCreated(final RoutingContext ctx)
    {
        final RequestBody body = RequestBody.of(ctx);
        final long channelId = body.id("channelId");
        final long messageId = body.id("messageId");
        final long authorId = body.id("authorId");
        final long guildId = body.has("guildId") ? body.id("guildId") : Badges.DIRECT_MESSAGES;
        final JsonArray mentionList = body.array("mentions", 0, MAX_MENTIONS);
        final Set<Long> mentioned = new LinkedHashSet<>();
        for (int i = 0; i < mentionList.size(); i++)
        {
            final long userId = body.idAt("mentions", mentionList, i);
            if (userId != authorId)
            {
                mentioned.add(userId);
            }
        }
        final Message message = new Message(channelId, messageId, authorId, guildId);
        final String part = ctx.request().getHeader(Forwarder.PART);
        final Future<?> done;
        if (part != null)
        {
            done = localPart(message, part.endsWith("+author"), mentioned, part.startsWith("apply"));
        }
        else if (!cluster.ownership().clustered())
        {
            done = localPart(message, true, mentioned, true);
        }
        else
        {
            cluster.checkQuorum();
            done = acrossNodes(ctx, message, mentioned);
        }
        done.onSuccess(ok -> ctx.response().setStatusCode(202).end()).onFailure(ctx::fail);
    }

    private record Message(long channelId, long messageId, long authorId, long guildId)
    {
    }

    /** Each node's part is checked, then every node applies its own (and learns of the channel's message). */
    private Future<?> acrossNodes(final RoutingContext ctx, final Message message, final Set<Long> mentioned)
    {
        final Ownership ownership = cluster.ownership();
        final Map<Ownership.Member, Set<Long>> parts = new java.util.HashMap<>();
        for (final long userId : mentioned)
        {
            parts.computeIfAbsent(ownership.ownerOf(userId), k -> new LinkedHashSet<>()).add(userId);
        }
        final Ownership.Member authorOwner = ownership.ownerOf(message.authorId());
        parts.computeIfAbsent(authorOwner, k -> new LinkedHashSet<>());
        final List<Future<?>> checks = new ArrayList<>();
        parts.forEach((member, users) -> checks.add(part(ctx, member, message, member.equals(authorOwner), users, false)));
        return Future.all(checks).compose(checked ->
        {
            final List<Future<?>> applied = new ArrayList<>();
            final Set<Ownership.Member> everyone = new java.util.LinkedHashSet<>(ownership.members());
            everyone.addAll(parts.keySet());
            for (final Ownership.Member member : everyone)
            {
                applied.add(part(ctx, member, message, member.equals(authorOwner), parts.getOrDefault(member, Set.of()), true));
            }
            return Future.all(applied);
        });
    }

    /** One node's part of a message: here, or sent to that node. */
    private Future<?> part(final RoutingContext ctx, final Ownership.Member member, final Message message,
        final boolean withAuthor, final Set<Long> mentioned, final boolean apply)
    {
        if (cluster.ownership().isSelf(member))
        {
            return localPart(message, withAuthor, mentioned, apply);
        }
        final JsonObject body = new JsonObject()
            .put("channelId", Ids.format(message.channelId()))
            .put("messageId", Ids.format(message.messageId()))
            .put("authorId", Ids.format(message.authorId()))
            .put("mentions", new JsonArray(mentioned.stream().map(Ids::format).toList()));
        if (message.guildId() != Badges.DIRECT_MESSAGES)
        {
            body.put("guildId", Ids.format(message.guildId()));
        }
        return cluster.forwarder().send(member, HttpMethod.POST, "/v1/messages", ctx.request().headers(),
                body.toBuffer(), Forwarder.PART, (apply ? "apply" : "check") + (withAuthor ? "+author" : ""))
            .compose(answer -> answer.status() == 202 ? Future.succeededFuture() : Future.failedFuture(answer.asRefusal()));
    }

    /**
     * This node's part of a message: checked on every shard whose users it touches and, when
     * {@code apply}, applied there after that check (a node alone does both at once), and the
     * channel's last message moved up on every shard. When one shard holds every user the part
     * touches, it checks, moves the channel and applies in one step; the other shards then move the
     * channel.
     */
    private Future<?> localPart(final Message message, final boolean withAuthor, final Set<Long> mentioned, final boolean apply)
    {
        final Map<Integer, List<Long>> mentionedByShard = new TreeMap<>();
        for (final long userId : mentioned)
        {
            mentionedByShard.computeIfAbsent(shards.indexOfUser(userId), k -> new ArrayList<>()).add(userId);
        }
        final long authorId = withAuthor ? message.authorId() : 0;
        final int authorShard = withAuthor ? shards.indexOfUser(authorId) : -1;
        if (withAuthor)
        {
            mentionedByShard.computeIfAbsent(authorShard, k -> new ArrayList<>());
        }
        final int home = shards.homeOfChannel(message.channelId());
        if (apply && mentionedByShard.size() == 1)
        {
            final Map.Entry<Integer, List<Long>> only = mentionedByShard.entrySet().iterator().next();
            final int shard = only.getKey();
            final ShardPart part = new ShardPart(only.getValue(), shard == authorShard ? authorId : 0);
            return shards.get(shard).withUsers(part.users(), s ->
            {
                s.messageHere(message.channelId(), message.guildId(), message.messageId(), shard == home, part.author(),
                    part.mentioned());
                return null;
            }).compose(done -> channelMessage(message, home, shard));
        }
        // First every shard the message touches checks that its part fits; only then is anything applied.
        final Future<?> checked = messageParts(message, authorId, authorShard, mentionedByShard, false);
        if (!apply)
        {
            return checked;
        }
        return checked.compose(ok -> Future.all(channelMessage(message, home, -1),
            messageParts(message, authorId, authorShard, mentionedByShard, true)));
    }

    /** Moves the channel's last message up on every shard but {@code except}. */
    private Future<?> channelMessage(final Message message, final int home, final int except)
    {
        final List<Future<?>> moved = new ArrayList<>();
        for (int i = 0; i < shards.count(); i++)
        {
            final boolean isHome = i == home;
            if (i != except)
            {
                moved.add(shards.get(i).run(s ->
                {
                    s.channelMessage(message.channelId(), message.guildId(), message.messageId(), isHome);
                    return null;
                }));
            }
        }
        return Future.all(moved);
    }

    /** The message's part on each shard it touches, with all of that shard's users resident at once. */
    private Future<?> messageParts(final Message message, final long authorId, final int authorShard,
        final Map<Integer, List<Long>> mentionedByShard, final boolean apply)
    {
        final List<Future<?>> parts = new ArrayList<>();
        mentionedByShard.forEach((shard, users) ->
        {
            final ShardPart part = new ShardPart(users, shard == authorShard ? authorId : 0);
            parts.add(shards.get(shard).withUsers(part.users(), s ->
            {
                s.message(message.channelId(), message.messageId(), part.author(), part.mentioned(), apply);
                return null;
            }));
        });
        return Future.all(parts);
    }

    /** The users of one shard that a message touches: those it mentions, and its author (0 if not of this shard). */
    private record ShardPart(long[] mentioned, long author)
    {
        ShardPart(final List<Long> mentioned, final long author)
        {
            this(mentioned.stream().mapToLong(Long::longValue).toArray(), author);
        }

        long[] users()
        {
            return author == 0 ? mentioned : LongStream.concat(LongStream.of(mentioned), LongStream.of(author)).toArray();
        }
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
        shard(userId).withUser(userId, s -> manual ?
                s.manualAck(userId, channelId, messageId, mentionCount) :
                s.ack(userId, channelId, messageId))
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
        shard(userId).withUser(userId, s -> s.acks(userId, channels, messages))
            .onSuccess(states -> json(ctx, 200, new JsonObject().put("readStates", Codec.readStates(states))))
            .onFailure(ctx::fail);
    }

    private void readStates(final RoutingContext ctx)
    {
        final long userId = RequestBody.pathId(ctx, "userId");
        shard(userId).withUser(userId, s -> s.readStates(userId))
            .onSuccess(states -> json(ctx, 200, Codec.readStatesOf(userId, states)))
            .onFailure(ctx::fail);
    }

    private void readState(final RoutingContext ctx)
    {
        final long userId = RequestBody.pathId(ctx, "userId");
        final long channelId = RequestBody.pathId(ctx, "channelId");
        shard(userId).withUser(userId, s -> s.readState(userId, channelId))
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
        shard(userId).withUser(userId, s ->
            {
                s.delete(userId, channelId);
                return null;
            })
            .onSuccess(done -> ctx.response().setStatusCode(204).end())
            .onFailure(ctx::fail);
    }

    private void badges(final RoutingContext ctx)
    {
        final long userId = RequestBody.pathId(ctx, "userId");
        shard(userId).withUser(userId, s -> s.badges(userId))
            .onSuccess(badges -> json(ctx, 200, Codec.badges(badges)))
            .onFailure(ctx::fail);
    }

    // ---------------------------------------------------------------------------------------------
    // Plumbing
    // ---------------------------------------------------------------------------------------------

    private Shard shard(final long userId)
    {
        return shards.ofUser(userId);
    }

    /**
     * Every route, known or not, needs the internal token, as {@code Bearer <token>} (the scheme in any
     * case); the token is compared in constant time.
     */
    private void authenticate(final RoutingContext ctx)
    {
        if (token != null)
        {
            final String given = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            final boolean bearer = given != null && given.regionMatches(true, 0, BEARER, 0, BEARER.length());
            if (!bearer || !MessageDigest.isEqual(token, given.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8)))
            {
                ctx.response().putHeader("WWW-Authenticate", "Bearer");
                error(ctx, 401, "unauthorized", given == null ?
                    "send the internal token as Authorization: Bearer <token>" : "the internal token is not valid");
                return;
            }
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
