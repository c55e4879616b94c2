package io.readstates.persist;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.concurrent.TimeUnit;

/**
 * Marks in Redis the messages applied in full lately, so that a message posted again (a caller's retry)
 * is recognised by any node, after a restart too, for the retry window: one key a message, which expires
 * with the window. A message partly applied (a node refused its part) is not marked; its retry applies
 * the rest, and each shard's memory of the messages it counted ({@code shard.RecentMessages}) keeps the
 * parts already applied from counting twice.
 *
 * <p>A message's deletion is marked the same way, under a key of its own.
 *
 * <p>Redis is asked with a deadline, and a mark that cannot be read or written counts as absent: messages
 * go on while Redis is away, recognised as repeats by the shards' memory alone.
 */
public final class MessageMarks
{
    private final RedisCommands redis;
    private final long windowMs;
    private final long timeoutMs;

    public MessageMarks(final RedisCommands redis, final long windowMs, final long timeoutMs)
    {
        this.redis = redis;
        this.windowMs = windowMs;
        this.timeoutMs = timeoutMs;
    }

    /** @return true if the message was applied in full within the window, as far as Redis says in time */
    public Future<Boolean> applied(final long channelId, final long messageId)
    {
        return exists(RedisLayout.messageMarkKey(channelId, messageId));
    }

    /** Marks the message applied in full, for the window; a mark Redis does not take is let go. */
    public Future<Void> mark(final long channelId, final long messageId)
    {
        return set(RedisLayout.messageMarkKey(channelId, messageId));
    }

    /** @return true if the message's deletion was applied in full within the window */
    public Future<Boolean> deletionApplied(final long channelId, final long messageId)
    {
        return exists(RedisLayout.deletionMarkKey(channelId, messageId));
    }

    /** Marks the message's deletion applied in full, for the window. */
    public Future<Void> markDeletion(final long channelId, final long messageId)
    {
        return set(RedisLayout.deletionMarkKey(channelId, messageId));
    }

    private Future<Boolean> exists(final String key)
    {
        return redis.send(Request.cmd(Command.EXISTS).arg(key))
            .timeout(timeoutMs, TimeUnit.MILLISECONDS)
            .map(answer -> answer.toInteger() == 1)
            .otherwise(false);
    }

    private Future<Void> set(final String key)
    {
        return redis.send(Request.cmd(Command.SET).arg(key).arg("1").arg("PX").arg(windowMs))
            .timeout(timeoutMs, TimeUnit.MILLISECONDS)
            .<Void>mapEmpty()
            .otherwise((Void)null);
    }
}
