package io.readstates.config;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of the service, as the build wrote it. */
public final class Version implements CommandLine.IVersionProvider
{
    private static final String VERSION = read();

    /** @return the version, such as {@code 0.1.0-SNAPSHOT} */
    public static String get()
    {
        return VERSION;
    }

    @Override
    public String[] getVersion()
    {
        return new String[] {"readstates " + VERSION};
    }

    private static String read()
    {
        try (InputStream in = Version.class.getResourceAsStream("/io/readstates/version.properties"))
        {
            final Properties properties = new Properties();
            if (in != null)
            {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
