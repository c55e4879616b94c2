package io.readstates.api;

import io.readstates.domain.Refusal;
import io.readstates.wire.Codec;
import io.readstates.wire.Ids;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The ack route, answered before the router. Acks are most of what internal callers send, and taking
 * each through the router (a routing context, a dozen routes matched in turn, the body handler) cost
 * more of the service's CPU per ack than the store and the write-behind together.
 *
 * <p>A request comes this way only when the router would take it straight to the ack: a {@code POST}
 * on the route's path with two decimal ids, the internal token, a {@code Content-Length} within the
 * body limit, and a user answered here. Everything else, including every request that the router
 * would refuse before the ack, goes to the router, which answers it as before. Past that point both
 * ways share the ack itself ({@link HttpApi#ack}), its refusals and its label in the metrics.
 */
final class AckRoute implements Handler<HttpServerRequest>
{
    private static final String USERS = "/v1/users/";
    private static final String CHANNELS = "/channels/";
    private static final String ACK = "/ack";

    private final HttpApi api;
    private final ClusterRouting cluster;
    private final int bodyLimitBytes;
    private final Handler<HttpServerRequest> router;

    AckRoute(final HttpApi api, final ClusterRouting cluster, final int bodyLimitBytes, final Handler<HttpServerRequest> router)
    {
        this.api = api;
        this.cluster = cluster;
        this.bodyLimitBytes = bodyLimitBytes;
        this.router = router;
    }

    @Override
    public void handle(final HttpServerRequest request)
    {
        final String path = request.path();
        final long userId = userId(path);
        final long channelId = channelId(path);
        if (request.method() != HttpMethod.POST || userId == 0 || channelId == 0 ||
            !bodyWithinLimit(request.getHeader(HttpHeaders.CONTENT_LENGTH), bodyLimitBytes) || !api.authorized(request) ||
            !cluster.answersHere(request, userId))
        {
            router.handle(request);
            return;
        }
        request.routed(HttpApi.ACK_ROUTE);
        final String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        request.body()
            .compose(body -> api.ack(userId, channelId, RequestBody.of(type, body)))
            .onSuccess(state -> HttpApi.json(request.response(), 200, Codec.readState(state)))
            .onFailure(failure -> api.failed(request, failure));
    }

    /** @return the user id of the ack route's path, or 0 if the path is not that route's with two valid ids */
    static long userId(final String path)
    {
        final int channels = channelsAt(path);
        return channels < 0 || channelId(path, channels) == 0 ? 0 : id(path, USERS.length(), channels);
    }

    /** @return the channel id of the ack route's path, or 0 if the path is not that route's with two valid ids */
    static long channelId(final String path)
    {
        final int channels = channelsAt(path);
        return channels < 0 || id(path, USERS.length(), channels) == 0 ? 0 : channelId(path, channels);
    }

    /** @return whether a {@code Content-Length} header announces a body the router's body handler would take */
    static boolean bodyWithinLimit(final String contentLength, final int limit)
    {
        if (contentLength == null || contentLength.isEmpty() || contentLength.length() > 9)
        {
            return false;
        }
        for (int i = 0; i < contentLength.length(); i++)
        {
            if (contentLength.charAt(i) < '0' || contentLength.charAt(i) > '9')
            {
                return false;
            }
        }
        return Integer.parseInt(contentLength) <= limit;
    }

    /** @return where {@code /channels/} starts in a path shaped as the ack route's, or -1 */
    private static int channelsAt(final String path)
    {
        if (!path.startsWith(USERS) || !path.endsWith(ACK))
        {
            return -1;
        }
        return path.indexOf(CHANNELS, USERS.length());
    }

    private static long channelId(final String path, final int channels)
    {
        return id(path, channels + CHANNELS.length(), path.length() - ACK.length());
    }

    /** @return the id between {@code from} and {@code to} of the path, or 0 if that is not one (the router refuses it) */
    private static long id(final String path, final int from, final int to)
    {
        if (from >= to)
        {
            return 0;
        }
        try
        {
            return Ids.parseDecimal(path.substring(from, to), "id");
        }
        catch (final Refusal notAnId)
        {
            return 0;
        }
    }
}
