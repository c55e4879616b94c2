package io.readstates.gateway;

import io.micrometer.core.instrument.Timer;
import io.readstates.shard.Shards;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * The WebSocket gateway for end-user clients at {@link #PATH}. A connection lives on the event loop that
 * accepted it; once it identifies, its session is registered with the user's shard (through that
 * shard's {@link ShardSessions}), which produces every update and hands it back to the connection's
 * loop to be written. The protocol is asyncapi.json.
 */
public final class Gateway
{
    public static final String PATH = "/v1/gateway";

    final Shards shards;
    final List<ShardSessions> sessions;
    final UserTokens tokens;
    final long identifyTimeoutMs;
    final int maxFrameBytes;
    final long slowConsumerTimeoutMs;
    final long idleTimeoutMs;
    final Timer pushLatency;
    /** Null for a node alone. */
    final ClusterSessions cluster;

    /**
     * @param sessions the sessions of each shard, in shard order; each is also its shard's listener
     * @param pushLatency records, for each push, the time from the change to its frame written
     */
    public Gateway(final Shards shards, final List<ShardSessions> sessions, final UserTokens tokens,
        final long identifyTimeoutMs, final int maxFrameBytes, final long slowConsumerTimeoutMs, final long idleTimeoutMs,
        final Timer pushLatency, final ClusterSessions cluster)
    {
        this.cluster = cluster;
        this.pushLatency = pushLatency;
        this.shards = shards;
        this.sessions = sessions;
        this.tokens = tokens;
        this.identifyTimeoutMs = identifyTimeoutMs;
        this.maxFrameBytes = maxFrameBytes;
        this.slowConsumerTimeoutMs = slowConsumerTimeoutMs;
        this.idleTimeoutMs = idleTimeoutMs;
    }

    /** The gateway's part on the calling event loop: it accepts that loop's sockets and looks after them. */
    public GatewayLoop onThisLoop(final Vertx vertx)
    {
        return new GatewayLoop(this, vertx);
    }
}
