package io.readstates;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.readstates.cli.TokenCommand;
import io.readstates.config.Version;
import io.readstates.config.Settings;
import io.readstates.ops.HugePages;
import picocli.CommandLine;
import io.readstates.persist.ManagedRedis;
import io.readstates.persist.RedisTarget;

import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The command line: with no command, starts the service with the settings of the environment and
 * conf/readstates.json; {@code token} signs a user token; {@code --help} and {@code --version}.
 *
 * <p>Exit status: 0 after a clean stop (SIGTERM, Ctrl-C) with every change written; {@value #BAD_SETTING}
 * when a setting is wrong or something the service needs is missing or taken (a port, the data
 * directory); {@value #START_FAILED} when start-up failed otherwise; {@value #CHANGES_NOT_WRITTEN} when
 * the service stopped with changes that Redis never confirmed.
 */
@CommandLine.Command(name = "readstates", mixinStandardHelpOptions = true, versionProvider = Version.class,
    subcommands = TokenCommand.class,
    description = "Tracks what every user of a chat platform has read. With no command, runs the service.",
    footerHeading = "%nSettings (an environment variable overrides the key of conf/readstates.json; what each means: docs/operating.md):%n")
public final class Main implements Callable<Integer>
{
    static final int BAD_SETTING = 2;
    static final int START_FAILED = 1;
    static final int CHANGES_NOT_WRITTEN = 3;
    /** What stopping may take beyond the shards' own shutdown timeout: closing the server and Vert.x. */
    private static final long STOP_MARGIN_MS = 5_000;

    /** Set once the service runs: its threads keep the process alive, and its shutdown hook sets the exit status. */
    private static volatile boolean running;

    public static void main(final String[] args)
    {
        final CommandLine commandLine = new CommandLine(new Main());
        commandLine.getCommandSpec().usageMessage().footer(String.join("%n", Settings.help()));
        final int status = commandLine.execute(args);
        if (!running)
        {
            System.exit(status);
        }
    }

    /** Runs the service. */
    @Override
    public Integer call() throws Exception
    {
        final Settings settings;
        try
        {
            settings = Settings.load(System.getenv());
        }
        catch (final Settings.BadSetting e)
        {
            System.err.println("readstates: " + e.getMessage());
            return BAD_SETTING;
        }
        configureLogging(settings);
        final Logger log = LoggerFactory.getLogger(Main.class);
        log.info("readstates {} starting", Version.get());
        if (settings.insecureDevMode)
        {
            log.warn("INSECURE development mode: the HTTP API answers without checking any token");
        }
        settings.describe().forEach((key, value) -> log.info("setting {} = {}", key, value));

        final ManagedRedis localRedis;
        final RedisTarget redis;
        if (settings.redis == null)
        {
            try
            {
                localRedis = ManagedRedis.start(settings.dataDir);
            }
            catch (final IOException e)
            {
                System.err.println("readstates: no READSTATES_REDIS_URL is set and a local Redis could not be started: " +
                    e.getMessage());
                return BAD_SETTING;
            }
            redis = RedisTarget.server(localRedis.url());
            log.info("no Redis URL configured: started a local redis-server at {} keeping its data in {} (append-only)",
                localRedis.url(), settings.dataDir.toAbsolutePath());
        }
        else
        {
            localRedis = null;
            redis = settings.redis;
        }

        final ReadStatesService service;
        try
        {
            service = ReadStatesService.start(settings, redis).toCompletionStage().toCompletableFuture().get();
        }
        catch (final Exception e)
        {
            if (localRedis != null)
            {
                localRedis.close();
            }
            if (causedBy(e, BindException.class))
            {
                System.err.println("readstates: port " + settings.httpPort + " (httpPort, READSTATES_HTTP_PORT) is already in use");
                return BAD_SETTING;
            }
            log.error("start-up failed", e);
            return START_FAILED;
        }
        running = true;
        if (settings.store == Settings.StoreKind.OFFHEAP)
        {
            final long huge = HugePages.ofProcess();
            final String advice = HugePages.advice(settings.cacheBytes, huge, System.getenv("GLIBC_TUNABLES"));
            if (advice != null)
            {
                // Advice, not a fault: the store works on 4 KiB pages, a little slower (docs/design.md).
                log.info(advice);
            }
            else
            {
                log.info("the off-heap store is on huge pages (the process has {} MiB on them)", huge >> 20);
            }
        }

        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            log.info("stopping: no new requests; writing every dirty record to Redis");
            boolean written = false;
            try
            {
                written = service.stop(settings.shutdownTimeoutMs + STOP_MARGIN_MS);
            }
            catch (final Exception e)
            {
                log.error("stopping failed", e);
            }
            finally
            {
                if (localRedis != null)
                {
                    localRedis.close();
                }
            }
            if (written)
            {
                log.info("stopped; every change was written");
            }
            else
            {
                log.error("stopped before every change was written");
            }
            // The status of a stop by signal would otherwise be the signal's, whatever was written.
            Runtime.getRuntime().halt(written ? 0 : CHANGES_NOT_WRITTEN);
        }, "readstates-shutdown"));
        return 0;
    }

    /**
     * Logging as the settings say, whether they came from the environment or the configuration file:
     * the logging configuration reads these as system properties before environment variables.
     */
    private static void configureLogging(final Settings settings)
    {
        System.setProperty("READSTATES_LOG_FORMAT", settings.logFormat);
        System.setProperty("READSTATES_LOG_LEVEL", settings.logLevel);
        final LoggerContext context = (LoggerContext)LoggerFactory.getILoggerFactory();
        context.reset();
        try
        {
            new ContextInitializer(context).autoConfig();
        }
        catch (final Exception e)
        {
            System.err.println("readstates: the logging configuration failed: " + e.getMessage());
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    private static boolean causedBy(final Throwable failure, final Class<? extends Throwable> kind)
    {
        for (Throwable t = failure; t != null; t = t.getCause())
        {
            if (kind.isInstance(t))
            {
                return true;
            }
        }
        return false;
    }
}
