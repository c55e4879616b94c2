package io.readstates.support;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Runs test code on an event loop, where the code under test must be touched, and waits for its result. */
public final class OnLoop
{
    private static final long TIMEOUT_S = 10;

    private OnLoop()
    {
    }

    /** @return what {@code work} returned on the loop; its exception, unchecked, if it threw */
    public static <T> T call(final Context loop, final Supplier<T> work)
    {
        return await(loop, () -> Future.succeededFuture(work.get()));
    }

    /**
     * @return the result of the future {@code work} started on the loop
     * @throws IllegalStateException wrapping the failure, if it failed or took too long
     */
    public static <T> T await(final Context loop, final Supplier<Future<T>> work)
    {
        final CompletableFuture<T> result = new CompletableFuture<>();
        loop.runOnContext(v ->
        {
            try
            {
                work.get().onComplete(ar ->
                {
                    if (ar.succeeded())
                    {
                        result.complete(ar.result());
                    }
                    else
                    {
                        result.completeExceptionally(ar.cause());
                    }
                });
            }
            catch (final RuntimeException e)
            {
                result.completeExceptionally(e);
            }
        });
        try
        {
            return result.get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final ExecutionException e)
        {
            throw new IllegalStateException("failed on the event loop: " + e.getCause(), e.getCause());
        }
        catch (final InterruptedException | TimeoutException e)
        {
            throw new IllegalStateException("no answer from the event loop", e);
        }
    }
}
