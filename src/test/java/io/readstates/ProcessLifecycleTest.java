package io.readstates;

import io.readstates.persist.LocalRedis;
import io.readstates.support.Await;
import io.readstates.support.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service as a process: its managed Redis, its data directory, its exit status, its messages. */
class ProcessLifecycleTest
{
    private static long redisPid(final Path dataDir) throws Exception
    {
        return Long.parseLong(Files.readString(dataDir.resolve("redis-server.pid")).trim());
    }

    private static boolean alive(final long pid)
    {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void shouldTakeItsManagedRedisDownWithItWhenKilled() throws Exception
    {
        final Path dataDir = Files.createTempDirectory("readstates-data");
        try (ServiceProcess service = ServiceProcess.start(Map.of("READSTATES_DATA_DIR", dataDir.toString())))
        {
            final long redis = redisPid(dataDir);
            assertTrue(alive(redis));
            service.kill();
            Await.until("the managed redis-server to stop after its service was killed", 10_000, () -> !alive(redis));
        }
    }

    @Test
    void shouldRefuseASecondServiceOnTheSameDataDirectory() throws Exception
    {
        final Path dataDir = Files.createTempDirectory("readstates-data");
        try (ServiceProcess first = ServiceProcess.start(Map.of("READSTATES_DATA_DIR", dataDir.toString()));
            ServiceProcess second = ServiceProcess.launch(Map.of("READSTATES_DATA_DIR", dataDir.toString())))
        {
            assertEquals(Main.BAD_SETTING, second.awaitExit(30_000));
            assertTrue(second.output().contains("another readstates process uses the data directory"), second.output());
            assertEquals(200, first.api().get("/v1/users/1/read-states").status(), "the first goes on");
        }
    }

    @Test
    void shouldStartItsManagedRedisAgainWhenItDies() throws Exception
    {
        final Path dataDir = Files.createTempDirectory("readstates-data");
        try (ServiceProcess service = ServiceProcess.start(Map.of("READSTATES_DATA_DIR", dataDir.toString())))
        {
            assertEquals(200, service.api().post("/v1/users/1/channels/2/ack", "{\"messageId\":3}").status());
            final long first = redisPid(dataDir);
            ProcessHandle.of(first).orElseThrow().destroyForcibly();
            Await.until("a new redis-server", 20_000, () ->
            {
                try
                {
                    return redisPid(dataDir) != first && alive(redisPid(dataDir));
                }
                catch (final Exception notYet)
                {
                    return false;
                }
            });
            Await.until("a user load working again", 20_000,
                () -> service.api().get("/v1/users/9/read-states").status() == 200);
            final long second = redisPid(dataDir);
            assertEquals(0, service.terminate(), "every change written after all");
            Await.until("the managed redis-server stopped with its service", 10_000, () -> !alive(second));
        }
    }

    @Test
    void shouldSayInOneLineThatThePortIsTaken() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0))
        {
            final ServiceProcess service = ServiceProcess.launch(Map.of("READSTATES_HTTP_PORT", String.valueOf(taken.getLocalPort()),
                "READSTATES_REDIS_URL", "redis://127.0.0.1:" + LocalRedis.freePort()));
            try (service)
            {
                assertEquals(Main.BAD_SETTING, service.awaitExit(30_000));
                final String output = service.output();
                assertTrue(output.contains("port " + taken.getLocalPort() + " (httpPort, READSTATES_HTTP_PORT) is already in use"), output);
                assertFalse(output.contains("\tat "), "no stack trace: " + output);
            }
        }
    }

    @Test
    void shouldStopARedisServerThatADeadServiceLeftInItsDataDirectory() throws Exception
    {
        final Path dataDir = Files.createTempDirectory("readstates-data");
        final LocalRedis leftBehind = LocalRedis.start(dataDir);
        try
        {
            Files.writeString(dataDir.resolve("redis-server.pid"), String.valueOf(leftBehind.pid()));
            try (ServiceProcess service = ServiceProcess.start(Map.of("READSTATES_DATA_DIR", dataDir.toString())))
            {
                Await.until("the server left behind stopped", 10_000, () -> !alive(leftBehind.pid()));
                assertEquals(200, service.api().post("/v1/users/1/channels/2/ack", "{\"messageId\":3}").status());
                assertTrue(service.output().contains("that an earlier run left"), service.output());
            }
        }
        finally
        {
            leftBehind.close();
        }
    }

    /** With only a JDK: no redis-server on PATH, the bundled one runs, keeps the data, and starts again with it. */
    @Test
    void shouldRunTheBundledRedisWhenThereIsNoneOnThePath() throws Exception
    {
        final Path dataDir = Files.createTempDirectory("readstates-data");
        final Map<String, String> env = Map.of("READSTATES_DATA_DIR", dataDir.toString(), "PATH", "");
        try (ServiceProcess first = ServiceProcess.start(env))
        {
            assertEquals(200, first.api().post("/v1/users/5/channels/6/ack", "{\"messageId\":77}").status());
            assertTrue(first.output().contains("redis-server: " + dataDir.toAbsolutePath().resolve("bin")), first.output());
            assertEquals(0, first.terminate());
        }
        try (ServiceProcess second = ServiceProcess.start(env))
        {
            assertEquals("77", second.api().get("/v1/users/5/channels/6/read-state").json().getString("lastMessageId"),
                "the data survived the restart");
            assertEquals(0, second.terminate());
        }
    }

    /** logFormat from the configuration file, like its environment variable: one JSON object per line, no nulls. */
    @Test
    void shouldLogJsonLinesWhenTheConfigurationFileSaysSo() throws Exception
    {
        final Path config = Files.createTempFile("readstates", ".json");
        Files.writeString(config, "{\"logFormat\":\"json\",\"logLevel\":\"INFO\"}");
        try (ServiceProcess service = ServiceProcess.start(Map.of("READSTATES_CONFIG", config.toString(),
            "READSTATES_REDIS_URL", "redis://127.0.0.1:" + LocalRedis.freePort())))
        {
            service.terminate();
            final String[] lines = service.output().strip().split("\n");
            assertTrue(lines.length > 5, service.output());
            for (final String line : lines)
            {
                final io.vertx.core.json.JsonObject event = new io.vertx.core.json.JsonObject(line);
                assertTrue(event.getString("@timestamp").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)"), line);
                for (final String field : List.of("level", "logger_name", "thread_name", "message"))
                {
                    assertTrue(event.getValue(field) instanceof String, field + " in " + line);
                }
                event.forEach(entry -> assertTrue(entry.getValue() != null, "no null fields: " + line));
            }
        }
    }
}
