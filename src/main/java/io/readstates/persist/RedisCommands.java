package io.readstates.persist;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends commands to the service's Redis, one server or a cluster, so that the code that writes and
 * loads need not know which. A batch is one pipeline to one server; in a cluster, where the keys of a
 * batch live on several nodes, each command goes to its key's node, still pipelined per node.
 */
public final class RedisCommands
{
    private final Redis redis;
    private final boolean cluster;
    private final int replicas;

    /** @param replicas how many replicas a {@link #replicatedBatch} waits for (0: none) */
    RedisCommands(final Redis redis, final boolean cluster, final int replicas)
    {
        this.redis = redis;
        this.cluster = cluster;
        this.replicas = replicas;
    }

    /** @return how many replicas must have a write before it counts as durable (0: the master's word is enough) */
    public int replicas()
    {
        return replicas;
    }

    /** @return true for a Redis Cluster, where a command may only name keys of one slot */
    public boolean isCluster()
    {
        return cluster;
    }

    public Future<Response> send(final Request request)
    {
        return redis.send(request);
    }

    /**
     * @return the answers in the order of the requests; fails if any request fails, once every one
     * has been answered, so that nothing is still in flight when the caller retries
     */
    public Future<List<Response>> batch(final List<Request> requests)
    {
        if (!cluster)
        {
            return redis.batch(requests);
        }
        // A cluster client pipelines a batch only when every key is on one node: spread it over one
        // connection to each node instead.
        return redis.connect().compose(connection -> sendEach(connection, requests).eventually(connection::close));
    }

    /**
     * Like {@link #batch}, then waits ({@code WAIT}) until {@link #replicas} replicas of every master the
     * batch was sent to hold its writes, or {@code waitMs} passed. {@code WAIT} counts the writes of its own
     * connection, so it follows them on the same one: at the end of the pipeline on one server, on each
     * node's connection once every write is answered in a cluster (where it goes to every master, and the
     * fewest replicas any of them reached is the answer).
     *
     * @return the batch's answers followed by one more: how many replicas have the writes
     */
    public Future<List<Response>> replicatedBatch(final List<Request> requests, final long waitMs)
    {
        final Request wait = Request.cmd(Command.WAIT).arg(replicas).arg(waitMs);
        if (!cluster)
        {
            final List<Request> pipeline = new ArrayList<>(requests.size() + 1);
            pipeline.addAll(requests);
            pipeline.add(wait);
            return redis.batch(pipeline);
        }
        return redis.connect().compose(connection -> sendEach(connection, requests)
            .compose(answers -> connection.send(wait).map(replicated ->
            {
                answers.add(replicated);
                return answers;
            }))
            .eventually(connection::close));
    }

    private static Future<List<Response>> sendEach(final RedisConnection connection, final List<Request> requests)
    {
        final List<Future<Response>> answers = new ArrayList<>(requests.size());
        for (final Request request : requests)
        {
            answers.add(connection.send(request));
        }
        return Future.join(answers).map(all ->
        {
            final List<Response> responses = new ArrayList<>(answers.size());
            answers.forEach(answer -> responses.add(answer.result()));
            return responses;
        });
    }

    public Future<Void> close()
    {
        return redis.close();
    }
}
