package io.readstates.persist;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether Redis answers, as the shards see it: each shard keeps what its last command saw (reads and
 * writes alike) through its own {@link Link}, and the service logs once when the first shard finds
 * Redis unreachable and once when the last one finds it back, not once per request. Every command is
 * given a deadline ({@link Link#within}): a Redis that accepts connections but does not answer is
 * treated as one that refuses them.
 */
public final class RedisStatus
{
    private static final Logger LOG = LoggerFactory.getLogger(RedisStatus.class);

    private final AtomicInteger failingShards = new AtomicInteger();
    private final long timeoutMs;

    /** @param timeoutMs how long any Redis command may take before it counts as failed */
    public RedisStatus(final long timeoutMs)
    {
        this.timeoutMs = timeoutMs;
    }

    /** A shard's view; used on that shard's event loop only. */
    public Link link(final Vertx vertx)
    {
        return new Link(vertx);
    }

    /** Redis did not answer in time. Expected while Redis is stalled, so no stack trace. */
    public static final class Timeout extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Timeout(final long ms)
        {
            super("Redis did not answer within " + ms + " ms", null, false, false);
        }
    }

    /** What one shard last saw of Redis. */
    public final class Link
    {
        private final Vertx vertx;
        private volatile boolean reachable = true;
        private Runnable lost = () -> { };

        private Link(final Vertx vertx)
        {
            this.vertx = vertx;
        }

        /** @param lost run (on the shard's loop) each time Redis stops answering the shard: someone must find out when it is back */
        public void onLost(final Runnable lost)
        {
            this.lost = lost;
        }

        /** @return how long any Redis command may take before it counts as failed */
        public long timeoutMs()
        {
            return timeoutMs;
        }

        /** @return false while the shard's last Redis command failed or timed out; readable from any thread */
        public boolean reachable()
        {
            return reachable;
        }

        /**
         * @return {@code command}'s outcome, or a failure with {@link Timeout} once the deadline passes; either
         * way the outcome is recorded as what this shard saw of Redis
         */
        public <T> Future<T> within(final Future<T> command)
        {
            final Promise<T> answer = Promise.promise();
            final long timer = vertx.setTimer(timeoutMs, id -> answer.tryFail(new Timeout(timeoutMs)));
            command.onComplete(ar ->
            {
                vertx.cancelTimer(timer);
                if (ar.succeeded())
                {
                    answer.tryComplete(ar.result());
                }
                else
                {
                    answer.tryFail(ar.cause());
                }
            });
            return answer.future().onComplete(ar ->
            {
                if (ar.succeeded())
                {
                    succeeded();
                }
                else
                {
                    failed(ar.cause());
                }
            });
        }

        private void succeeded()
        {
            if (!reachable)
            {
                reachable = true;
                if (failingShards.decrementAndGet() == 0)
                {
                    LOG.info("Redis answers again");
                }
            }
        }

        private void failed(final Throwable cause)
        {
            if (reachable)
            {
                reachable = false;
                lost.run();
                if (failingShards.getAndIncrement() == 0)
                {
                    LOG.warn("Redis cannot be reached ({}): resident users are still answered and changes wait in memory; " +
                        "users not in memory get 503 until it answers", cause.getMessage());
                }
            }
        }
    }
}
