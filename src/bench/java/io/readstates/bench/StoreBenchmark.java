package io.readstates.bench;

import io.readstates.store.*;
import io.readstates.store.offheap.*;
import io.readstates.store.onheap.*;

import org.agrona.collections.Long2LongHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * get, ack and mention on a store holding 8,000,000 read states (or {@code -p userCount=} times 8),
 * users drawn from a Zipfian distribution, single-threaded. {@code long2long} is Agrona's {@link Long2LongHashMap} doing the same
 * lookups on one composite key: no LRU, no residency, no versions; the practical limit of a hash lookup
 * on this machine.
 *
 * <p>Run: {@code mvn package -DskipTests && java -jar target/readstates-bench.jar jmh StoreBenchmark -prof gc}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms6g", "-Xmx6g"})
@State(Scope.Thread)
public class StoreBenchmark
{
    @Param({"offheap", "onheap", "long2long"})
    public String store;

    /** Users, 8 read states each: 1,000,000 is the 8,000,000 read states of the headline figures. */
    @Param({"1000000"})
    public int userCount;

    private ReadStateStore readStates;
    private Long2LongHashMap map;
    private final ReadState into = new ReadState();
    private int[] users;
    private int i;
    private long message = 1_000_000;

    @Setup(Level.Trial)
    public void setUp()
    {
        users = ZipfianKeys.draw(userCount, 0.99, 42);
        final int size = BenchData.readStates(userCount);
        switch (store)
        {
            case "offheap":
                readStates = new OffHeapReadStateStore(size, size / BenchData.CHANNELS_PER_USER);
                BenchData.fill(readStates, userCount);
                break;
            case "onheap":
                readStates = new OnHeapReadStateStore(size, size / BenchData.CHANNELS_PER_USER);
                BenchData.fill(readStates, userCount);
                break;
            case "long2long":
                map = new Long2LongHashMap(size * 2, 0.65f, -1);
                for (int u = 0; u < userCount; u++)
                {
                    for (int k = 0; k < BenchData.CHANNELS_PER_USER; k++)
                    {
                        map.put(key(BenchData.userId(u), BenchData.channelId(u, k)), 1000);
                    }
                }
                break;
            default:
                throw new IllegalArgumentException(store);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (readStates != null)
        {
            readStates.close();
        }
    }

    private static long key(final long userId, final long channelId)
    {
        return Hashing.scramble(userId) ^ channelId;
    }

    @Benchmark
    public long get()
    {
        final int n = i++;
        final int u = users[n & ZipfianKeys.MASK];
        final long userId = BenchData.userId(u);
        final long channelId = BenchData.channelId(u, n & (BenchData.CHANNELS_PER_USER - 1));
        if (map != null)
        {
            return map.get(key(userId, channelId));
        }
        readStates.get(userId, channelId, into);
        return into.lastReadMessageId;
    }

    @Benchmark
    public long ack()
    {
        final int n = i++;
        final int u = users[n & ZipfianKeys.MASK];
        final long userId = BenchData.userId(u);
        final long channelId = BenchData.channelId(u, n & (BenchData.CHANNELS_PER_USER - 1));
        final long messageId = message++;
        if (map != null)
        {
            final long k = key(userId, channelId);
            return map.put(k, Math.max(map.get(k), messageId));
        }
        return readStates.ack(userId, channelId, messageId).ordinal();
    }

    @Benchmark
    public long mention()
    {
        final int n = i++;
        final int u = users[n & ZipfianKeys.MASK];
        final long userId = BenchData.userId(u);
        final long channelId = BenchData.channelId(u, n & (BenchData.CHANNELS_PER_USER - 1));
        final long messageId = message++;
        if (map != null)
        {
            final long k = key(userId, channelId);
            final long lastRead = map.get(k);
            return lastRead < messageId ? map.put(k, lastRead) : lastRead;
        }
        return readStates.mention(userId, channelId, messageId).ordinal();
    }
}
