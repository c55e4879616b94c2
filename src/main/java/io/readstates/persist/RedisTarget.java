package io.readstates.persist;

import io.vertx.core.Vertx;

import java.util.List;

/**
 * The Redis the service keeps its data in: one server, or a Redis Cluster reached through some of its
 * nodes (the seeds; the client learns the others, and which node holds which slot, from them); and how
 * many replicas of a master must hold a write before a durable change is answered (0: the master's word
 * is enough).
 */
public record RedisTarget(List<String> urls, boolean cluster, int replicas)
{
    public RedisTarget
    {
        urls = List.copyOf(urls);
        if (urls.isEmpty() || !cluster && urls.size() > 1)
        {
            throw new IllegalArgumentException("one Redis URL, or the seed nodes of a cluster: " + urls);
        }
        if (replicas < 0)
        {
            throw new IllegalArgumentException("replicas: " + replicas);
        }
    }

    public static RedisTarget server(final String url)
    {
        return new RedisTarget(List.of(url), false, 0);
    }

    public static RedisTarget cluster(final List<String> seeds)
    {
        return new RedisTarget(seeds, true, 0);
    }

    /** @return this Redis, with durable changes waiting for {@code count} replicas */
    public RedisTarget withReplicas(final int count)
    {
        return new RedisTarget(urls, cluster, count);
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
