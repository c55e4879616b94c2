package io.readstates.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

import java.net.URI;

/** The HTTP side of the load tool: requests to the service's API with the internal token. */
final class Http
{
    private final HttpClient client;
    private final String host;
    private final int port;
    private final String authorization;

    Http(final Vertx vertx, final Options options)
    {
        final URI url = URI.create(options.text("url", "http://127.0.0.1:8080"));
        this.host = url.getHost();
        this.port = url.getPort();
        this.authorization = "Bearer " + options.text("token", System.getenv().getOrDefault("READSTATES_INTERNAL_TOKEN", ""));
        this.client = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(options.integer("connections", 64)));
    }

    /** @return the status code once the whole answer has arrived. */
    Future<Integer> send(final HttpMethod method, final String path, final String body)
    {
        return client.request(method, port, host, path).compose(request ->
        {
            request.putHeader("Authorization", authorization);
            if (body != null)
            {
                request.putHeader("Content-Type", "application/json");
                return request.send(body);
            }
            return request.send();
        }).compose(response -> response.body().map(b -> response.statusCode()));
    }
}
