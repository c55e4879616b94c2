package io.readstates.ops;

import io.readstates.support.Api;
import io.readstates.support.Await;
import io.readstates.support.Scrape;
import io.readstates.support.RunningService;
import io.readstates.support.TestRedis;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics after some traffic: the named series are there, with values that agree with the traffic. */
class MetricsTest
{
    private static double sum(final String scrape, final String series)
    {
        final double total = Scrape.sum(scrape, series);
        assertFalse(Double.isNaN(total), "no series " + series);
        return total;
    }

    @Test
    void shouldExposeShardStoreFlushHttpAndJvmSeries() throws Exception
    {
        try (TestRedis redis = new TestRedis(); RunningService service = RunningService.start(redis.url()))
        {
            final Api api = service.api();
            for (int user = 1; user <= 20; user++)
            {
                for (int channel = 1; channel <= 3; channel++)
                {
                    assertEquals(200, api.post("/v1/users/" + user + "/channels/" + channel + "/ack", "{\"messageId\":5}").status());
                }
            }
            assertEquals(401, api.withToken(null).get("/metrics").status(), "metrics need the internal token");

            System.gc(); // the service runs in this JVM: make sure there is a collection to report
            final String scrape = Await.value("every change written and a GC pause reported", 5_000,
                () -> api.get("/metrics").body(), body -> Scrape.sum(body, "readstates_records") == 60 &&
                    Scrape.sum(body, "readstates_dirty_records") == 0 && body.contains("jvm_gc_pause_seconds"));
            assertEquals(60, sum(scrape, "readstates_records"), "one record per read state written");
            assertEquals(20, sum(scrape, "readstates_resident_users"));
            assertEquals(0, sum(scrape, "readstates_dirty_records"), "all written to Redis");
            assertEquals(60, sum(scrape, "readstates_records_written_total"));
            assertEquals(20, sum(scrape, "readstates_misses_total"), "each user loaded once");
            assertEquals(40, sum(scrape, "readstates_hits_total"));
            assertTrue(sum(scrape, "readstates_offheap_bytes") > 0);
            assertEquals(2, sum(scrape, "readstates_redis_reachable"), "both shards reach Redis");
            assertTrue(sum(scrape, "readstates_flush_batch_records_count") >= 1);
            assertTrue(sum(scrape, "readstates_flush_lag_seconds_count") >= 1);
            assertEquals(0, sum(scrape, "readstates_websocket_sessions"));
            assertTrue(scrape.contains("vertx_http_server_response_time_seconds_bucket"), "request latency histograms");
            assertTrue(scrape.contains("route=\"/v1/users/:userId/channels/:channelId/ack\""), "per route");
            assertTrue(scrape.contains("jvm_gc_pause_seconds_count"), "GC pauses");
            assertTrue(scrape.contains("jvm_memory_used_bytes{area=\"heap\""), "heap");
            assertTrue(scrape.contains("jvm_buffer_memory_used_bytes{id=\"direct\""), "direct memory");
        }
    }

    /** Histograms where an operator needs them, and a scrape that stays small after traffic on every route. */
    @Test
    void shouldKeepTheScrapeUnder60KbAfterAThousandRequestsOnEveryRoute() throws Exception
    {
        try (TestRedis redis = new TestRedis(); RunningService service = RunningService.start(redis.url()))
        {
            final Api api = service.api();
            for (int i = 1; i <= 1_000; i++)
            {
                final int user = 1 + i % 50;
                switch (i % 8)
                {
                    case 0 -> api.post("/v1/users/" + user + "/channels/1/ack", "{\"messageId\":" + i + "}");
                    case 1 -> api.post("/v1/users/" + user + "/acks", "{\"acks\":[{\"channelId\":2,\"messageId\":" + i + "}]}");
                    case 2 -> api.post("/v1/messages", "{\"channelId\":1,\"messageId\":" + i + ",\"authorId\":" + user + "}");
                    case 3 -> api.get("/v1/users/" + user + "/read-states");
                    case 4 -> api.get("/v1/users/" + user + "/channels/1/read-state");
                    case 5 -> api.delete("/v1/users/" + user + "/channels/3/read-state");
                    case 6 -> api.get("/v1/users/" + user + "/badges");
                    default -> api.get("/v1/users/x/badges");
                }
            }
            final String scrape = Await.value("a flush lag histogram", 5_000, () -> api.get("/metrics").body(),
                body -> body.contains("readstates_flush_lag_seconds_bucket"));
            assertTrue(scrape.length() < 60 * 1024, "scrape of " + scrape.length() + " bytes");
            assertTrue(scrape.contains("vertx_http_server_response_time_seconds_bucket"), "route latency histograms");
            assertFalse(scrape.contains("vertx_http_server_response_bytes_bucket"), "no histogram of sizes");
            assertFalse(scrape.contains("vertx_pool_usage_seconds_bucket"), "no histogram of pools");
            assertEquals(1, sum(scrape, "readstates_build_info"));
        }
    }
}
