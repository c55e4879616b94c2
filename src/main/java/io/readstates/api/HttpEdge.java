package io.readstates.api;

import io.readstates.gateway.Gateway;
import io.readstates.wire.Codec;
import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.HostAndPort;


/**
 * What every request goes through before any route: the framing and the headers that the HTTP codec
 * lets pass but that must not reach the routes.
 *
 * <p>Bodies are taken with {@code Content-Length} only. A request with a {@code Transfer-Encoding} is
 * refused and its connection closed, so that nothing after it on the connection is read as a request
 * (RFC 9112, 6.1 and 6.3): the codec drops a {@code Content-Length} sent beside a chunked coding
 * before anyone can see it, so refusing every transfer coding is the one way to refuse that ambiguous
 * pair. A request without a valid {@code Host} is refused the same way. An {@code Upgrade} other than
 * the gateway's WebSocket is ignored, and its connection closed after the answer.
 */
final class HttpEdge implements Handler<HttpServerRequest>
{
    private final Handler<HttpServerRequest> next;
    private final Refusals refusals;

    HttpEdge(final Handler<HttpServerRequest> next, final Refusals refusals)
    {
        this.next = next;
        this.refusals = refusals;
    }

    @Override
    public void handle(final HttpServerRequest request)
    {
        final String problem = framingProblem(request);
        if (problem != null)
        {
            refuseAndClose(request, 400, "bad_request", problem);
            return;
        }
        if (!validHost(request.getHeader(HttpHeaders.HOST)))
        {
            refuseAndClose(request, 400, "invalid_host", "the request needs a Host header naming a host, and a port from 1 to 65535");
            return;
        }
        if (request.headers().contains(HttpHeaders.UPGRADE) && !(isWebSocketUpgrade(request) && Gateway.PATH.equals(request.path())))
        {
            final HttpServerResponse response = request.response();
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            response.bodyEndHandler(v -> request.connection().close());
        }
        next.handle(request);
    }

    /** Requests the HTTP codec itself could not read: a bad request line or header, one too long. */
    void invalid(final HttpServerRequest request)
    {
        final Throwable cause = request.decoderResult().cause();
        if (cause instanceof TooLongFrameException && cause.getMessage() != null && cause.getMessage().contains("header"))
        {
            refuseAndClose(request, 431, "headers_too_large", "the request's headers are too large");
        }
        else if (cause instanceof TooLongFrameException)
        {
            refuseAndClose(request, 414, "uri_too_long", "the request line is too long");
        }
        else
        {
            refuseAndClose(request, 400, "bad_request", "the request is not valid HTTP/1.1");
        }
    }

    /** @return true for the upgrade the gateway takes; the route decides whether the path is the gateway's. */
    static boolean isWebSocketUpgrade(final HttpServerRequest request)
    {
        return "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
    }

    private static String framingProblem(final HttpServerRequest request)
    {
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) ?
            "bodies are taken with Content-Length only, not with a Transfer-Encoding" : null;
    }

    private static boolean validHost(final String host)
    {
        if (host == null || host.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < host.length(); i++)
        {
            final char c = host.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '%' || c == '/' || c == '@' || c == '?' || c == '#')
            {
                return false;
            }
        }
        final HostAndPort parsed = HostAndPort.parseAuthority(host, -1);
        return parsed != null && parsed.port() <= 65535 && (parsed.port() == -1 || parsed.port() > 0);
    }

    private void refuseAndClose(final HttpServerRequest request, final int status, final String code, final String message)
    {
        refusals.refused(status, code, message);
        final HttpServerResponse response = request.response();
        response.setStatusCode(status)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
            .end(Codec.error(code, message).encode())
            .onComplete(done -> request.connection().close());
    }
}
