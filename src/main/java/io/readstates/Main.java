package io.readstates;

import io.readstates.config.Settings;
import io.readstates.persist.LocalRedis;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts the service with the settings of the environment and conf/readstates.json. */
public final class Main
{
    /** What stopping may take beyond the shards' own shutdown timeout: closing the server and Vert.x. */
    private static final long STOP_MARGIN_MS = 5_000;

    private Main()
    {
    }


    public static void main(final String[] args) throws Exception
    {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        final Logger log = LoggerFactory.getLogger(Main.class);
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
            log.warn("INSECURE development mode: the HTTP API answers without checking any token");
        }
        settings.describe().forEach((key, value) -> log.info("setting {} = {}", key, value));

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
            log.info("no Redis URL configured: started a local redis-server at {} keeping its data in {} (append-only)",
                redisUrl, settings.dataDir.toAbsolutePath());
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
            log.error("start-up failed", e);
            if (localRedis != null)
            {
                localRedis.close();
            }
            System.exit(1);
            return;
        }

        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            log.info("stopping: no new requests; writing every dirty record to Redis");
            try
            {
                if (service.stop(settings.shutdownTimeoutMs + STOP_MARGIN_MS))
                {
                    log.info("stopped; every change was written");
                }
                else
                {
                    log.error("stopped before every change was written");
                }
            }
            catch (final Exception e)
            {
                log.error("stopped before every change was written", e);
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
