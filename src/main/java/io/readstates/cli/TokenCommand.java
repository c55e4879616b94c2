package io.readstates.cli;

import io.readstates.config.Settings;
import io.readstates.config.Version;
import io.readstates.domain.Refusal;
import io.readstates.gateway.UserTokens;
import io.readstates.wire.Ids;
import io.vertx.core.Vertx;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code readstates token --user 42 [--ttl 1h]}: a user token signed with the configured secret, for trying the gateway. */
@CommandLine.Command(name = "token", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Prints a user token for the WebSocket gateway, signed with the configured user-token secret " +
        "(userTokenSecret, READSTATES_USER_TOKEN_SECRET).")
public final class TokenCommand implements Callable<Integer>
{
    private static final long MAX_TTL_SECONDS = Integer.MAX_VALUE;

    @CommandLine.Option(names = "--user", required = true, description = "the user id, from 1 to 18446744073709551615")
    String user;

    @CommandLine.Option(names = "--ttl", defaultValue = "1h",
        description = "how long the token is valid: a number of seconds, or with a unit s, m, h or d (default: ${DEFAULT-VALUE})")
    String ttl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final long userId;
        try
        {
            userId = Ids.parseDecimal(user, "--user");
        }
        catch (final Refusal e)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        final long seconds = parseTtl(ttl);
        final String secret;
        try
        {
            secret = Settings.userTokenSecret(System.getenv());
        }
        catch (final Settings.BadSetting e)
        {
            // A token signed with a secret the service refuses would never be accepted anywhere.
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (secret == null)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "no user-token secret is configured: set READSTATES_USER_TOKEN_SECRET (or userTokenSecret in the configuration file)");
        }
        final Vertx vertx = Vertx.vertx();
        try
        {
            spec.commandLine().getOut().println(new UserTokens(vertx, secret).issue(userId, (int)seconds));
        }
        finally
        {
            vertx.close();
        }
        return 0;
    }

    /** @return seconds, from {@code 90}, {@code 90s}, {@code 15m}, {@code 1h} or {@code 2d} */
    long parseTtl(final String text)
    {
        final String value = text.trim().toLowerCase(Locale.ROOT);
        final char unit = value.isEmpty() ? ' ' : value.charAt(value.length() - 1);
        final String digits = Character.isDigit(unit) ? value : value.substring(0, Math.max(0, value.length() - 1));
        final Duration per;
        switch (unit)
        {
            case 'd':
                per = Duration.ofDays(1);
                break;
            case 'h':
                per = Duration.ofHours(1);
                break;
            case 'm':
                per = Duration.ofMinutes(1);
                break;
            default:
                per = Duration.ofSeconds(1);
                break;
        }
        try
        {
            final long seconds = Math.multiplyExact(Long.parseLong(digits), per.getSeconds());
            if (seconds < 1 || seconds > MAX_TTL_SECONDS || !(Character.isDigit(unit) || "smhd".indexOf(unit) >= 0))
            {
                throw new NumberFormatException();
            }
            return seconds;
        }
        catch (final NumberFormatException | ArithmeticException e)
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--ttl must be a positive duration such as 3600, 90s, 15m, 1h or 2d, not '" + text + "'");
        }
    }
}
