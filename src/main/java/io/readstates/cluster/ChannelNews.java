package io.readstates.cluster;

import io.readstates.ownership.Node;
import io.readstates.shard.MessagePart;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells the other nodes of each channel's new last message, so that their users' unread flags and badges
 * follow, at a cost that does not grow with the messages: to each node, one batch at a time. A message's
 * news joins the batch being gathered for each node; a batch is sent as soon as the one before it has
 * been answered. When messages are rare each goes alone, at once; when they are many, they share batches,
 * and each node gets one request per round trip instead of one per message. A message is done once every
 * node has learned its news. All of it runs on one event loop of its own: no locks.
 */
final class ChannelNews
{
    /** What one node is still to be told, and who waits for it. */
    private static final class Batch
    {
        final LongArrayList channels = new LongArrayList();
        final LongArrayList guilds = new LongArrayList();
        final LongArrayList messages = new LongArrayList();
        List<Waiter> waiters = new ArrayList<>();
        boolean inFlight;
    }

    /** A message waiting for every node to learn its news. */
    private static final class Waiter
    {
        final Context caller;
        final Promise<Void> promise;
        int nodesLeft;
        Throwable failure;

        Waiter(final Context caller, final Promise<Void> promise, final int nodes)
        {
            this.caller = caller;
            this.promise = promise;
            this.nodesLeft = nodes;
        }

        void answered(final Throwable failure)
        {
            if (failure != null && this.failure == null)
            {
                this.failure = failure;
            }
            if (--nodesLeft == 0)
            {
                final Throwable result = this.failure;
                final Runnable complete = () ->
                {
                    if (result == null)
                    {
                        promise.complete();
                    }
                    else
                    {
                        promise.fail(result);
                    }
                };
                if (caller == null)
                {
                    complete.run();
                }
                else
                {
                    caller.runOnContext(v -> complete.run());
                }
            }
        }
    }

    private final Context context;
    private final Nodes nodes;
    private final Map<String, Batch> batches = new HashMap<>();

    ChannelNews(final Vertx vertx, final Nodes nodes)
    {
        this.context = vertx.getOrCreateContext();
        this.nodes = nodes;
    }

    /** Tells {@code to} of the message's channel news; completes on the caller's context once all have learned it. */
    Future<Void> tell(final List<Node> to, final MessagePart news)
    {
        if (to.isEmpty())
        {
            return Future.succeededFuture();
        }
        final Promise<Void> promise = Promise.promise();
        final Waiter waiter = new Waiter(Vertx.currentContext(), promise, to.size());
        context.runOnContext(v ->
        {
            for (final Node node : to)
            {
                final Batch batch = batches.computeIfAbsent(node.name(), n -> new Batch());
                batch.channels.addLong(news.channelId());
                batch.guilds.addLong(news.guildId());
                batch.messages.addLong(news.messageId());
                batch.waiters.add(waiter);
                if (!batch.inFlight)
                {
                    send(node, batch);
                }
            }
        });
        return promise.future();
    }

    private void send(final Node node, final Batch batch)
    {
        final NodeMessage.News news = new NodeMessage.News(batch.channels.toLongArray(), batch.guilds.toLongArray(),
            batch.messages.toLongArray());
        final List<Waiter> waiting = batch.waiters;
        batch.channels.clear();
        batch.guilds.clear();
        batch.messages.clear();
        batch.waiters = new ArrayList<>();
        batch.inFlight = true;
        nodes.news(node, news).onComplete(ar -> context.runOnContext(v ->
        {
            batch.inFlight = false;
            waiting.forEach(w -> w.answered(ar.cause()));
            if (!batch.waiters.isEmpty())
            {
                send(node, batch);
            }
            else
            {
                // Nothing more to tell it now: keep no state for a node that may leave.
                batches.remove(node.name());
            }
        }));
    }
}
