package io.readstates.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

import java.net.URI;

/**
 * The HTTP side of the load tool: requests to the service's API with the internal token. {@code --url}
 * may list several nodes of a cluster, comma-separated: requests go to each in turn.
 */
final class Http
{
    private final HttpClient client;
    private final String[] hosts;
    private final int[] ports;
    private int next;
    private final String authorization;
    /** Longer than any run. */
    private static final int KEEP_ALIVE_SECONDS = 24 * 3600;

    Http(final Vertx vertx, final Options options)
    {
        final String[] urls = options.text("url", "http://127.0.0.1:8080").split(",");
        this.hosts = new String[urls.length];
        this.ports = new int[urls.length];
        for (int i = 0; i < urls.length; i++)
        {
            final URI url = URI.create(urls[i].trim());
            hosts[i] = url.getHost();
            ports[i] = url.getPort();
        }
        this.authorization = "Bearer " + options.text("token", System.getenv().getOrDefault("READSTATES_INTERNAL_TOKEN", ""));
        // Connections stay open for the whole run: by default the client closes a connection idle for 60 s,
        // and the ones opened in the first second's burst then close together a minute in, a stall of the
        // measured window that belongs to the tool.
        this.client = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true).setKeepAlive(true)
                .setKeepAliveTimeout(KEEP_ALIVE_SECONDS),
            new PoolOptions().setHttp1MaxSize(options.integer("connections", 64)));
    }

    /** @return the status code once the whole answer has arrived. */
    Future<Integer> send(final HttpMethod method, final String path, final String body)
    {
        final int node = next;
        next = next + 1 == hosts.length ? 0 : next + 1;
        return send(hosts[node], ports[node], method, path, body);
    }

    /** Sends to {@code address} (host:port) rather than to the next of the nodes; null: to the next. */
    Future<Integer> sendTo(final String address, final HttpMethod method, final String path, final String body)
    {
        if (address == null)
        {
            return send(method, path, body);
        }
        final int colon = address.lastIndexOf(':');
        return send(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), method, path, body);
    }

    private Future<Integer> send(final String host, final int port, final HttpMethod method, final String path,
        final String body)
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
