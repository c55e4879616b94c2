package io.readstates.bench;

import io.readstates.domain.Badges;
import io.readstates.domain.Channel;
import io.readstates.domain.ReadStateView;
import io.readstates.wire.Codec;
import io.readstates.wire.Ids;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The two frames the gateway pushes on every change a watched user sees, written by hand ({@code text},
 * what the service does) or through a {@code JsonObject} ({@code object}, what it did). Read with
 * {@code -prof gc}: the bytes allocated per frame ({@code gc.alloc.rate.norm}) do not depend on how busy
 * the machine is.
 *
 * <p>Run: {@code java -jar target/readstates-bench.jar jmh FrameBenchmark -prof gc}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Thread)
public class FrameBenchmark
{
    @Param({"text", "object"})
    public String form;

    /** A user in three guilds with unread channels, and direct messages. */
    private final Badges badges = new Badges(1_234_567_890_123_456_789L, 7,
        List.of(new Badges.Guild(1_100_000_000_000_000_001L, 3, 2), new Badges.Guild(1_100_000_000_000_000_002L, 1, 0),
            new Badges.Guild(1_100_000_000_000_000_003L, 12, 5)), 2, 0);
    private final ReadStateView state = new ReadStateView(1_200_000_000_000_000_042L, 1_300_000_000_000_000_999L, 1, 17);
    private final Channel channel = new Channel(1_300_000_000_000_001_000L, 1_100_000_000_000_000_001L);

    @Benchmark
    public String badgesFrame()
    {
        return form.equals("text") ? Codec.badgesFrame(badges) : Codec.badges(badges).put("op", "badges").encode();
    }

    @Benchmark
    public String readStateFrame()
    {
        if (form.equals("text"))
        {
            return Codec.readStateFrame(state, channel, 12);
        }
        return Codec.readState(state).put("epoch", 12).put("channelLastMessageId", Ids.format(channel.lastMessageId()))
            .put("guildId", Ids.format(channel.guildId())).put("op", "read_state").encode();
    }
}
