package io.readstates.persist;

import io.vertx.core.Vertx;

import java.util.List;

/**
 * The Redis the service keeps its data in: one server, or a Redis Cluster reached through some of its
 * nodes (the seeds; the client learns the others, and which node holds which slot, from them).
 */
public record RedisTarget(List<String> urls, boolean cluster)
{
    public RedisTarget
    {
        urls = List.copyOf(urls);
        if (urls.isEmpty() || !cluster && urls.size() > 1)
        {
            throw new IllegalArgumentException("one Redis URL, or the seed nodes of a cluster: " + urls);
        }
    }

    public static RedisTarget server(final String url)
    {
        return new RedisTarget(List.of(url), false);
    }

    public static RedisTarget cluster(final List<String> seeds)
    {
        return new RedisTarget(seeds, true);
    }

    /** @param name names the client's connection pool in metrics */
    public RedisCommands connect(final Vertx vertx, final String name)
    {
        return RedisConnections.create(vertx, this, name);
    }

    /** @return the URLs with any password masked, for logs */
    public String describe()
    {
        final String masked = String.join(",", urls).replaceAll("//[^@/,]*@", "//****@");
        return cluster ? "Redis Cluster " + masked : masked;
    }
}
