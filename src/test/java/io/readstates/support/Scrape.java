package io.readstates.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads values out of a Prometheus text scrape. */
public final class Scrape
{
    private Scrape()
    {
    }

    /** @return the sum of every sample of a series, whatever its labels; NaN if the scrape has none. */
    public static double sum(final String scrape, final String series)
    {
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(scrape);
        double total = 0;
        boolean found = false;
        while (m.find())
        {
            total += Double.parseDouble(m.group(1));
            found = true;
        }
        return found ? total : Double.NaN;
    }

    /** @return the sum of a series in the service's current scrape. */
    public static double sum(final Api api, final String series)
    {
        return sum(api.get("/metrics").body(), series);
    }
}
