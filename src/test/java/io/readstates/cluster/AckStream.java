package io.readstates.cluster;

import io.readstates.support.Api;
import io.readstates.support.TestCluster;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Acks, steadily, from a few threads, through the nodes of a cluster in turn. Every ack is of a channel
 * of its own, so that a lost one cannot hide behind a later one. Keeps every ack the service answered
 * 200 to, with when; counts refusals (503) and connections that failed, and retries them on the next node.
 */
final class AckStream implements AutoCloseable
{
    /** An ack the service acknowledged. */
    record Acked(long userId, long channelId, long answeredAtMs)
    {
    }

    private final TestCluster cluster;
    private final int users;
    private final List<Integer> nodes = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failedConnections = new AtomicLong();
    private final Set<Long> refusalSeconds = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    AckStream(final TestCluster cluster, final int users, final int threadCount)
    {
        this.cluster = cluster;
        this.users = users;
        for (int i = 0; i < cluster.size(); i++)
        {
            nodes.add(i);
        }
        for (int t = 0; t < threadCount; t++)
        {
            final Thread thread = new Thread(this::run, "acks-" + t);
            thread.start();
            threads.add(thread);
        }
    }

    /** Stops sending through a node (it is about to go). */
    void avoid(final int node)
    {
        nodes.remove((Integer)node);
    }

    void use(final int node)
    {
        if (!nodes.contains(node))
        {
            nodes.add(node);
        }
    }

    private void run()
    {
        long turn = 0;
        while (running.get())
        {
            final long n = next.incrementAndGet();
            final long userId = 1 + n % users;
            final long channelId = 1_000 + n;
            boolean done = false;
            while (!done && running.get())
            {
                final int node = nodes.get((int)(turn++ % nodes.size()));
                try
                {
                    final Api.Reply reply = cluster.api(node).post("/v1/users/" + userId + "/channels/" + channelId + "/ack",
                        "{\"messageId\":\"" + n + "\"}");
                    if (reply.status() == 200)
                    {
                        acked.add(new Acked(userId, channelId, System.currentTimeMillis()));
                        done = true;
                    }
                    else if (reply.status() == 503)
                    {
                        refusedNow();
                    }
                    else
                    {
                        throw new AssertionError("unexpected answer to an ack: " + reply);
                    }
                }
                catch (final IllegalStateException connectionFailed)
                {
                    failedConnections.incrementAndGet();
                }
                catch (final IndexOutOfBoundsException noNodes)
                {
                    // The list of nodes changed under the loop: try again.
                }
            }
        }
    }

    private void refusedNow()
    {
        refused.incrementAndGet();
        refusalSeconds.add(System.currentTimeMillis() / 1000);
        try
        {
            Thread.sleep(20);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    List<Acked> acked()
    {
        return new ArrayList<>(acked);
    }

    long refused()
    {
        return refused.get();
    }

    long failedConnections()
    {
        return failedConnections.get();
    }

    /** @return how many distinct seconds saw a 503 */
    int refusalSeconds()
    {
        return refusalSeconds.size();
    }

    /** @return the acks whose channel is not among the user's read states, as read through {@code node} */
    List<Acked> missing(final int node)
    {
        final List<Acked> missing = new ArrayList<>();
        final java.util.Map<Long, Set<Long>> channelsOf = new java.util.HashMap<>();
        for (final Acked ack : acked)
        {
            final Set<Long> channels = channelsOf.computeIfAbsent(ack.userId(), user ->
            {
                final Set<Long> found = new HashSet<>();
                final Api.Reply reply = cluster.api(node).get("/v1/users/" + user + "/read-states");
                if (reply.status() != 200)
                {
                    throw new AssertionError("reading user " + user + ": " + reply);
                }
                reply.json().getJsonArray("readStates").forEach(s -> found.add(Long.parseLong(((JsonObject)s).getString("channelId"))));
                return found;
            });
            if (!channels.contains(ack.channelId()))
            {
                missing.add(ack);
            }
        }
        return missing;
    }

    @Override
    public void close() throws InterruptedException
    {
        running.set(false);
        for (final Thread thread : threads)
        {
            thread.join(15_000);
        }
    }
}
