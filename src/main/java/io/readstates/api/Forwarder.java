package io.readstates.api;

import io.readstates.cluster.Ownership;
import io.readstates.domain.Refusal;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Sends a request on to the node that owns its user, over HTTP with the same token, and hands back
 * that node's answer. A forwarded request is marked, and a node never forwards a marked request again:
 * one hop at most, whatever the two nodes believe about the cluster at that moment.
 */
final class Forwarder
{
    /** Marks a request forwarded by another node; its value is the forwarding node's address. */
    static final String FORWARDED = "X-Readstates-Forwarded";
    /**
     * Marks one node's part of a message that touches users of several nodes: {@code check} (would it
     * fit?) or {@code apply}, with {@code +author} when the author's read state is the node's to ack.
     */
    static final String PART = "X-Readstates-Part";
    /** Headers of the owner's answer that the caller needs. */
    private static final List<CharSequence> ANSWER_HEADERS = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.RETRY_AFTER,
        HttpHeaders.ALLOW, "WWW-Authenticate");
    private static final long TIMEOUT_MS = 5_000;

    private final HttpClient client;
    private final String self;

    Forwarder(final Vertx vertx, final Ownership.Member self)
    {
        this.client = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(64));
        this.self = self.httpAddress();
    }

    /** An answer of another node. */
    record Answer(int status, MultiMap headers, Buffer body)
    {
        /** @return the answer as a refusal, for an answer that is one (its JSON error body kept). */
        Refusal asRefusal()
        {
            String code = "owner_failed";
            String message = "the node that owns the user answered " + status;
            try
            {
                final JsonObject error = body.toJsonObject();
                code = error.getString("error", code);
                message = error.getString("message", message);
            }
            catch (final RuntimeException e)
            {
                // Not JSON: keep the generic description.
            }
            final String retry = headers.get(HttpHeaders.RETRY_AFTER);
            return Refusal.of(status, code, message, retry == null ? 0 : Integer.parseInt(retry));
        }
    }

    /**
     * Sends a request to {@code owner}, marked as forwarded.
     *
     * @return the owner's answer; fails with {@link Refusal#OWNER_UNREACHABLE} if it does not answer in time
     */
    Future<Answer> send(final Ownership.Member owner, final HttpMethod method, final String uri, final MultiMap headers,
        final Buffer body)
    {
        final int colon = owner.httpAddress().lastIndexOf(':');
        final RequestOptions options = new RequestOptions()
            .setMethod(method)
            .setHost(owner.httpAddress().substring(0, colon))
            .setPort(Integer.parseInt(owner.httpAddress().substring(colon + 1)))
            .setURI(uri)
            .setTimeout(TIMEOUT_MS)
            .putHeader(FORWARDED, self);
        for (final CharSequence name : List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, PART))
        {
            final String value = headers.get(name);
            if (value != null)
            {
                options.putHeader(name, value);
            }
        }
        return client.request(options)
            .compose(request -> body == null || body.length() == 0 ? request.send() : request.send(body))
            .compose(response -> response.body().map(b -> answer(response, b)))
            .recover(e -> Future.failedFuture(Refusal.OWNER_UNREACHABLE));
    }

    /** Extra headers on a forwarded request. */
    Future<Answer> send(final Ownership.Member owner, final HttpMethod method, final String uri, final MultiMap headers,
        final Buffer body, final String extraName, final String extraValue)
    {
        final MultiMap all = MultiMap.caseInsensitiveMultiMap().addAll(headers).set(extraName, extraValue);
        return send(owner, method, uri, all, body);
    }

    private static Answer answer(final HttpClientResponse response, final Buffer body)
    {
        final MultiMap kept = MultiMap.caseInsensitiveMultiMap();
        for (final CharSequence name : ANSWER_HEADERS)
        {
            final String value = response.getHeader(name);
            if (value != null)
            {
                kept.set(name, value);
            }
        }
        return new Answer(response.statusCode(), kept, body);
    }
}
