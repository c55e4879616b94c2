package io.readstates.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;

/**
 * The service's metrics, in Prometheus text format at {@code /metrics}. Vert.x reports HTTP and
 * WebSocket traffic per route (with latency histograms) and the JVM (GC pauses, heap, direct memory);
 * the shards' own figures come from the {@link ShardStats} each shard publishes.
 */
public final class Metrics
{
    /** Renders scrapes, one at a time, at the lowest CPU priority: one thread for the process, idle between scrapes. */
    private static final ExecutorService SCRAPES =
        Executors.newSingleThreadExecutor(work -> BackgroundThread.create("readstates-scrape", work));

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * The latencies an operator needs as histograms (per-route request latency, write-behind flush lag);
     * every other timer and summary (sizes, pools, GC pauses) is count, sum and max only, which keeps a
     * scrape small.
     */
    private static final Set<String> LATENCY_HISTOGRAMS = Set.of("vertx.http.server.response.time", "readstates_flush_lag",
        "readstates_push_latency");
    /** Bucket bounds of those histograms: fine where the service lives (under a few ms), coarse beyond. */
    private static final double[] LATENCY_BUCKETS_MS = {0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 10_000};

    public Metrics()
    {
        final double[] bucketsNanos = new double[LATENCY_BUCKETS_MS.length];
        for (int i = 0; i < bucketsNanos.length; i++)
        {
            bucketsNanos[i] = LATENCY_BUCKETS_MS[i] * 1_000_000;
        }
        registry.config().meterFilter(new MeterFilter()
        {
            @Override
            public DistributionStatisticConfig configure(final Meter.Id id, final DistributionStatisticConfig config)
            {
                if (LATENCY_HISTOGRAMS.contains(id.getName()))
                {
                    return DistributionStatisticConfig.builder().percentilesHistogram(false)
                        .serviceLevelObjectives(bucketsNanos).build().merge(config);
                }
                return DistributionStatisticConfig.builder().percentilesHistogram(false).percentiles()
                    .serviceLevelObjectives().build().merge(config);
            }
        });
    }

    public PrometheusMeterRegistry registry()
    {
        return registry;
    }

    /**
     * The Prometheus scrape, rendered on a thread of its own at the lowest CPU priority and answered on
     * the caller's event loop. Rendering takes the service milliseconds of CPU (3 ms warm, 10 to 20 ms in
     * its first minutes, when the code is run too rarely to be compiled yet); on the event loop, or on a
     * thread that competes with it for a core, every request and push behind it waited that long.
     */
    public Handler<RoutingContext> scrape()
    {
        return ctx ->
        {
            final Context context = ctx.vertx().getOrCreateContext();
            SCRAPES.execute(() ->
            {
                try
                {
                    final String text = registry.scrape();
                    context.runOnContext(v -> ctx.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").end(text));
                }
                catch (final RuntimeException e)
                {
                    context.runOnContext(v -> ctx.fail(e));
                }
            });
        };
    }

    /** What Vert.x needs to report its own traffic into this registry. */
    public MicrometerMetricsFactory vertxMetricsFactory()
    {
        return new MicrometerMetricsFactory(registry);
    }

    public static MicrometerMetricsOptions vertxMetricsOptions()
    {
        // No event bus metrics: between nodes the bus carries every forwarded request, and Micrometer's
        // counting of each message showed in a profile of a forwarding node; nothing reads those series.
        return new MicrometerMetricsOptions()
            .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
            .setJvmMetricsEnabled(true)
            .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME))
            .setEnabled(true);
    }

    /** Registers the figures of every shard, labelled by shard number. */
    public void bindShards(final List<ShardStats> shards)
    {
        for (int i = 0; i < shards.size(); i++)
        {
            final ShardStats s = shards.get(i);
            final Tags tags = Tags.of("shard", String.valueOf(i));
            gauge("readstates_resident_users", "users whose read states are in memory", s, x -> x.residentUsers, tags);
            gauge("readstates_records", "read states in memory", s, x -> x.readStates, tags);
            gauge("readstates_offheap_bytes", "native memory held by the store", s, x -> x.offHeapBytes, tags);
            gauge("readstates_dirty_records", "records not yet confirmed by Redis", s, x -> x.dirtyRecords, tags);
            gauge("readstates_pending_loads", "users being loaded from Redis", s, x -> x.pendingLoads, tags);
            gauge("readstates_channels", "channels known to the shard", s, x -> x.channels, tags);
            gauge("readstates_websocket_sessions", "identified WebSocket sessions", s, x -> x.sessions, tags);
            gauge("readstates_redis_reachable", "1 if the last Redis operation succeeded", s, x -> x.redisReachable ? 1 : 0, tags);
            counter("readstates_hits", "requests whose user was resident", s, x -> x.hits, tags);
            counter("readstates_misses", "requests whose user had to be loaded", s, x -> x.misses, tags);
            counter("readstates_evictions", "users evicted from memory", s, x -> x.evictions, tags);
            counter("readstates_load_failures", "user loads that failed", s, x -> x.loadFailures, tags);
            counter("readstates_flush_batches", "write-behind batches confirmed by Redis", s, x -> x.flushBatches, tags);
            counter("readstates_records_written", "records confirmed by Redis", s, x -> x.recordsWritten, tags);
            counter("readstates_redis_errors", "write-behind batches that failed", s, x -> x.redisErrors, tags);
            counter("readstates_fenced_writes", "users whose write Redis refused because another node owns them now",
                s, x -> x.fencedWrites, tags);
            counter("readstates_write_conflicts", "users whose write Redis applied in part: it held newer versions, " +
                "written by another node", s, x -> x.writeConflicts, tags);
            counter("readstates_redis_reconnects", "times Redis became reachable again after failing", s, x -> x.redisReconnects, tags);
            counter("readstates_websocket_pushes", "pushes produced for WebSocket sessions", s, x -> x.pushes, tags);
        }
    }

    /**
     * A node of a cluster: {@code readstates_cluster_leased} (1 while it holds a lease and may answer from
     * memory) and {@code readstates_cluster_served_slots} (the slots it serves now).
     */
    public void bindCluster(final java.util.function.BooleanSupplier leased, final java.util.function.IntSupplier servedSlots)
    {
        Gauge.builder("readstates_cluster_leased", () -> leased.getAsBoolean() ? 1 : 0)
            .description("1 while this node holds a lease from a quorum of its cluster and may answer from memory")
            .register(registry);
        Gauge.builder("readstates_cluster_served_slots", servedSlots::getAsInt)
            .description("the slots of users this node serves now").register(registry);
    }

    /** {@code readstates_build_info{version}} 1: which build answers. */
    public void bindBuildInfo(final String version)
    {
        // An info metric: Micrometer would drop the _info that Prometheus reserves for these, so it goes straight in.
        io.prometheus.metrics.core.metrics.Info.builder().name("readstates_build").help("the version of the running build")
            .labelNames("version").register(registry.getPrometheusRegistry()).addLabelValues(version);
    }

    /** Failures that escaped every handler on an event loop: a bug, each one. */
    public Counter unhandledFailures()
    {
        return Counter.builder("readstates_unhandled_failures").description("failures no handler caught: bugs").register(registry);
    }

    /** A histogram of push latency: from a change on its shard to its frame written on the client's socket. */
    public Timer pushLatency()
    {
        return Timer.builder("readstates_push_latency")
            .description("from a change on the user's shard to its frame written on the client's socket").register(registry);
    }

    /** A histogram of write-behind batch sizes, for one shard. */
    public DistributionSummary batchSizes(final int shard)
    {
        return DistributionSummary.builder("readstates_flush_batch_records").description("records per write-behind batch")
            .tag("shard", String.valueOf(shard)).register(registry);
    }

    /** A histogram of flush lag: from a batch being collected to Redis confirming it, for one shard. */
    public Timer flushLag(final int shard)
    {
        return Timer.builder("readstates_flush_lag").description("from collecting a write-behind batch to its confirmation")
            .tag("shard", String.valueOf(shard)).register(registry);
    }

    private void gauge(final String name, final String help, final ShardStats stats, final ToDoubleFunction<ShardStats> value,
        final Tags tags)
    {
        Gauge.builder(name, stats, value).description(help).tags(tags).register(registry);
    }

    private void counter(final String name, final String help, final ShardStats stats, final ToDoubleFunction<ShardStats> value,
        final Tags tags)
    {
        FunctionCounter.builder(name, stats, value).description(help).tags(tags).register(registry);
    }
}
