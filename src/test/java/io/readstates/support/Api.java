package io.readstates.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A plain HTTP client for the service's API, as an internal caller would use it. */
public final class Api
{
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final String base;
    private final String token;
    private final Duration timeout;

    public Api(final int port, final String token)
    {
        this("127.0.0.1", port, token);
    }

    public Api(final String host, final int port, final String token)
    {
        this(host, port, token, DEFAULT_TIMEOUT);
    }

    private Api(final String host, final int port, final String token, final Duration timeout)
    {
        this.host = host;
        this.port = port;
        this.base = "http://" + host + ":" + port;
        this.token = token;
        this.timeout = timeout;
    }

    /** The same service, seen with another token (null: none). */
    public Api withToken(final String otherToken)
    {
        return new Api(host, port, otherToken, timeout);
    }

    /** The same service, giving up on an answer after {@code limit}: for probes that will simply try again. */
    public Api withTimeout(final Duration limit)
    {
        return new Api(host, port, token, limit);
    }

    public Reply get(final String path)
    {
        return send("GET", path, null, null);
    }

    public Reply delete(final String path)
    {
        return send("DELETE", path, null, null);
    }

    public Reply post(final String path, final String json)
    {
        return send("POST", path, json, "application/json");
    }

    public Reply send(final String method, final String path, final String body, final String contentType)
    {
        try
        {
            final HttpResponse<String> response = http.send(request(method, path, body, contentType),
                HttpResponse.BodyHandlers.ofString());
            Contract.check(method, path, response);
            return new Reply(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null), response.body());
        }
        catch (final IOException e)
        {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The status of a GET, without waiting for it: for probes that ask many paths at once and time the
     * answers. The answer is not held to the OpenAPI document, as every other is: that check takes 2 to 10 ms
     * an answer on these machines, and would be timed with it.
     *
     * @return the status, or a failure if no answer came
     */
    public CompletableFuture<Integer> statusOf(final String path)
    {
        return http.sendAsync(request("GET", path, null, null), HttpResponse.BodyHandlers.discarding())
            .thenApply(HttpResponse::statusCode);
    }

    /** The status of a POST, without waiting for it, and not held to the OpenAPI document; see {@link #statusOf}. */
    public CompletableFuture<Integer> statusOfPost(final String path, final String json)
    {
        return http.sendAsync(request("POST", path, json, "application/json"), HttpResponse.BodyHandlers.discarding())
            .thenApply(HttpResponse::statusCode);
    }

    private HttpRequest request(final String method, final String path, final String body, final String contentType)
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null)
        {
            request.header("Content-Type", contentType);
        }
        return request.build();
    }

    /** An answer: status, the Retry-After header if any, and the body. */
    public record Reply(int status, String retryAfter, String body)
    {
        public JsonObject json()
        {
            return new JsonObject(body);
        }

        @Override
        public String toString()
        {
            return status + " " + body;
        }
    }
}
