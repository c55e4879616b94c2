package io.readstates;

import io.readstates.config.Settings;
import io.readstates.persist.LocalRedis;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Starts the service with the settings of the environment and conf/readstates.json. */
public final class Main
{
    private Main()
    {
    }

    private static void shutdownNote(final String message)
    {
        System.err.println(java.time.LocalDateTime.now() + " INFO io.readstates.Main - " + message);
    }

    public static void main(final String[] args) throws Exception
    {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null)
        {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n");
        }
        final Logger log = Logger.getLogger(Main.class.getName());
        final Settings settings;
        try
        {
            settings = Settings.load(System.getenv());
        }
        catch (final Settings.BadSetting e)
        {
            System.err.println("readstates: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (settings.insecureDevMode)
        {
            log.warning("INSECURE development mode: the HTTP API answers without checking any token");
        }
        settings.describe().forEach((key, value) -> log.info("setting " + key + " = " + value));

        final LocalRedis localRedis;
        final String redisUrl;
        if (settings.redisUrl == null)
        {
            try
            {
                localRedis = LocalRedis.start(settings.dataDir);
            }
            catch (final IOException e)
            {
                System.err.println("readstates: no READSTATES_REDIS_URL is set and a local Redis could not be started: " +
                    e.getMessage());
                System.exit(2);
                return;
            }
            redisUrl = localRedis.url();
            log.info("no Redis URL configured: started a local redis-server at " + redisUrl + " keeping its data in " +
                settings.dataDir.toAbsolutePath() + " (append-only)");
        }
        else
        {
            localRedis = null;
            redisUrl = settings.redisUrl;
        }

        final ReadStatesService service;
        try
        {
            service = ReadStatesService.start(settings, redisUrl).toCompletionStage().toCompletableFuture().get();
        }
        catch (final Exception e)
        {
            log.log(Level.SEVERE, "start-up failed", e);
            if (localRedis != null)
            {
                localRedis.close();
            }
            System.exit(1);
            return;
        }

        // The JDK's logging closes its handlers in a shutdown hook of its own that may run first, so
        // what happens during shutdown goes straight to standard error.
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            shutdownNote("stopping: no new requests; writing every dirty record to Redis");
            try
            {
                shutdownNote(service.stop(settings.shutdownTimeoutMs + 5_000) ?
                    "stopped; every change was written" : "stopped before every change was written");
            }
            catch (final Exception e)
            {
                shutdownNote("stopped before every change was written: " + e);
            }
            finally
            {
                if (localRedis != null)
                {
                    localRedis.close();
                }
            }
        }, "readstates-shutdown"));
    }
}
