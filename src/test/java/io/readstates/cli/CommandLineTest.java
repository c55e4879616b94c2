package io.readstates.cli;

import io.readstates.config.Version;
import io.readstates.gateway.UserTokens;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line, run as a user runs it: its own process, its output, its exit status. */
class CommandLineTest
{
    private static final String SECRET = "a-user-token-secret-of-32-chars-or-more";

    private record Run(int status, String output)
    {
    }

    private static Run run(final Map<String, String> env, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            "io.readstates.Main"));
        command.addAll(List.of(args));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("READSTATES_USER_TOKEN_SECRET");
        builder.environment().putAll(env);
        final Process process = builder.start();
        final String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "exited");
        return new Run(process.exitValue(), output);
    }

    @Test
    void shouldPrintTheVersionAndExit() throws Exception
    {
        final Run run = run(Map.of(), "--version");
        assertEquals(0, run.status());
        assertEquals("readstates " + Version.get(), run.output().trim());
        assertTrue(!Version.get().equals("unknown") && !Version.get().contains("$"), Version.get());
    }

    @Test
    void shouldListTheCommandsAndTheSettings() throws Exception
    {
        final Run run = run(Map.of(), "--help");
        assertEquals(0, run.status());
        assertTrue(run.output().contains("token"), run.output());
        assertTrue(run.output().contains("READSTATES_HTTP_PORT"), run.output());
        assertTrue(run.output().lines().anyMatch(line -> line.matches("READSTATES_FLUSH_INTERVAL_MS +flushIntervalMs +50")),
            "each setting with its key in the file and its default: " + run.output());
        assertTrue(run.output().lines().anyMatch(line -> line.matches("READSTATES_INSECURE_DEV_MODE +insecureDevMode +false")),
            run.output());
        assertTrue(run.output().lines().noneMatch(line -> line.contains("a-stand-in-token")), "no secret, even a stand-in");
    }

    @Test
    void shouldSignAUserTokenThatTheGatewayAccepts() throws Exception
    {
        final Run run = run(Map.of("READSTATES_USER_TOKEN_SECRET", SECRET), "token", "--user", "42", "--ttl", "1h");
        assertEquals(0, run.status(), run.output());
        final Vertx vertx = Vertx.vertx();
        try
        {
            assertEquals(42L, new UserTokens(vertx, SECRET).verify(run.output().trim())
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
        finally
        {
            vertx.close();
        }
    }

    @Test
    void shouldRefuseATokenWithoutAValidSecretOrWithABadTtl() throws Exception
    {
        final Run noSecret = run(Map.of(), "token", "--user", "42");
        assertEquals(2, noSecret.status(), noSecret.output());
        assertTrue(noSecret.output().contains("READSTATES_USER_TOKEN_SECRET"), noSecret.output());
        final Run badTtl = run(Map.of("READSTATES_USER_TOKEN_SECRET", SECRET), "token", "--user", "42", "--ttl", "soon");
        assertEquals(2, badTtl.status(), badTtl.output());
        assertTrue(badTtl.output().contains("--ttl"), badTtl.output());
        final Run badUser = run(Map.of("READSTATES_USER_TOKEN_SECRET", SECRET), "token", "--user", "0");
        assertEquals(2, badUser.status(), badUser.output());
        final Run shortSecret = run(Map.of("READSTATES_USER_TOKEN_SECRET", "too-short-for-the-service"), "token", "--user", "42");
        assertEquals(2, shortSecret.status(), shortSecret.output());
        assertTrue(shortSecret.output().contains("at least 32 characters"), shortSecret.output());
    }
}
