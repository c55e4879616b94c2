package io.readstates.load;

import java.util.HashMap;
import java.util.Map;

/** Command-line options of the form {@code --name=value}. */
final class Options
{
    private final Map<String, String> values = new HashMap<>();

    Options(final String[] args, final int from)
    {
        for (int i = from; i < args.length; i++)
        {
            final String arg = args[i];
            final int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0)
            {
                throw new IllegalArgumentException("options are --name=value, not " + arg);
            }
            values.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
    }

    String text(final String name, final String fallback)
    {
        return values.getOrDefault(name, fallback);
    }

    int integer(final String name, final int fallback)
    {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
    }

    /** @return the comma-separated process ids of {@code --measuredPids}: the service and its Redis */
    java.util.List<Long> measuredPids()
    {
        final java.util.List<Long> pids = new java.util.ArrayList<>();
        for (final String pid : text("measuredPids", "").split(","))
        {
            if (!pid.isBlank())
            {
                pids.add(Long.parseLong(pid.trim()));
            }
        }
        return pids;
    }

    double decimal(final String name, final double fallback)
    {
        return values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
    }
}
