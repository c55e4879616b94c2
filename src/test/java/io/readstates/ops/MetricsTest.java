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
}
