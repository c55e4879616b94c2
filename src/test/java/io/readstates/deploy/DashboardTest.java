package io.readstates.deploy;

import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every series the Grafana dashboard in deploy/ queries is one the service exposes. */
class DashboardTest
{
    private static final Pattern SERIES = Pattern.compile("\\b((?:readstates|vertx|jvm)_[a-z_]+)");

    private static boolean exposes(final String scrape, final String series)
    {
        return Pattern.compile("(?m)^" + Pattern.quote(series) + "[{ ]").matcher(scrape).find();
    }

    @Test
    void shouldQueryOnlySeriesTheServiceExposes() throws Exception
    {
        final JsonObject dashboard = new JsonObject(Files.readString(Path.of("deploy/grafana/readstates-dashboard.json")));
        final Set<String> queried = new TreeSet<>();
        dashboard.getJsonArray("panels").forEach(panel -> ((JsonObject)panel).getJsonArray("targets").forEach(target ->
        {
            final Matcher m = SERIES.matcher(((JsonObject)target).getString("expr"));
            while (m.find())
            {
                queried.add(m.group(1));
            }
        }));
        assertTrue(queried.size() >= 10, "the dashboard queries " + queried);

        try (TestRedis redis = new TestRedis();
            RunningService service = RunningService.start(redis.url(), Map.of("READSTATES_USER_TOKEN_SECRET",
                "a-user-token-secret-of-32-chars-or-more")))
        {
            final Api api = service.api();
            api.post("/v1/users/1/channels/2/ack", "{\"messageId\":3}");
            api.get("/v1/users/x/badges");
            System.gc(); // the service runs in this JVM: a collection to report
            final String scrape = Await.value("every series the dashboard queries", 10_000, () -> api.get("/metrics").body(),
                body -> queried.stream().allMatch(series -> exposes(body, series)));
            for (final String series : queried)
            {
                assertTrue(exposes(scrape, series), "the service exposes " + series);
            }
        }
    }
}
