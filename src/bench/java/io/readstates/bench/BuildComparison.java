package io.readstates.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Two builds of the store, and Agrona's map, in one JVM, taking turns: each loads {@link StoreBenchmark}
 * from its own bench jar (its own class loader, so both builds' classes live side by side) and runs one
 * operation for {@code burstMillis}, then the next one, for {@code rounds} rounds.
 *
 * <p>Why: on a shared machine, separate JMH forks of the same benchmark differ by up to half from one
 * another (the map alone ran at 10 M and at 16 M get/s in consecutive forks), so two builds measured in
 * separate runs cannot be told apart below that. Turns of a fraction of a second, over the same
 * minutes, meet the same conditions; the median of the per-round ratios is quoted.
 *
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED -Xms6g -Xmx6g -cp target/readstates-bench.jar \
 *   io.readstates.bench.BuildComparison get before.jar after.jar [rounds] [burstMillis]
 * </pre>
 */
public final class BuildComparison
{
    /** Where results go so that the JIT cannot drop the operations. */
    private static volatile long consumed;

    private BuildComparison()
    {
    }

    public static void main(final String[] args) throws Throwable
    {
        if (args.length < 3)
        {
            System.err.println("usage: BuildComparison get|ack|mention <before.jar> <after.jar> [rounds] [burstMillis]");
            System.exit(2);
        }
        final String operation = args[0];
        final int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        final long burstNanos = (args.length > 4 ? Long.parseLong(args[4]) : 500) * 1_000_000L;
        final List<String> names = List.of("before", "after", "map");
        final List<MethodHandle> operations = List.of(
            operation(Path.of(args[1]), "offheap", operation),
            operation(Path.of(args[2]), "offheap", operation),
            operation(Path.of(args[1]), "long2long", operation));

        final double[][] rates = new double[names.size()][rounds];
        for (int warm = 0; warm < 3; warm++)
        {
            for (final MethodHandle op : operations)
            {
                burst(op, burstNanos);
            }
        }
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < operations.size(); i++)
            {
                rates[i][round] = burst(operations.get(i), burstNanos);
            }
        }

        System.out.printf("%s, %d rounds of %d ms each, in turns (M ops/s: median, min, max)%n", operation, rounds, burstNanos / 1_000_000);
        for (int i = 0; i < names.size(); i++)
        {
            System.out.printf("  %-7s %6.2f %6.2f %6.2f%n", names.get(i), median(rates[i]) / 1e6,
                Arrays.stream(rates[i]).min().orElse(0) / 1e6, Arrays.stream(rates[i]).max().orElse(0) / 1e6);
        }
        System.out.printf("  after / before, median of rounds: %.3f%n", medianRatio(rates[1], rates[0]));
        System.out.printf("  before / map,   median of rounds: %.3f%n", medianRatio(rates[0], rates[2]));
        System.out.printf("  after / map,    median of rounds: %.3f%n", medianRatio(rates[1], rates[2]));
    }

    /** One build's benchmark state, set up, and its operation bound to it. */
    private static MethodHandle operation(final Path jar, final String store, final String operation) throws Throwable
    {
        final URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        final Class<?> type = loader.loadClass(StoreBenchmark.class.getName());
        final Object state = type.getConstructor().newInstance();
        type.getField("store").set(state, store);
        type.getField("userCount").set(state, Integer.getInteger("bench.users", 1_000_000));
        type.getMethod("setUp").invoke(state);
        return MethodHandles.publicLookup().findVirtual(type, operation, MethodType.methodType(long.class)).bindTo(state);
    }

    /** @return operations per second over one burst */
    private static double burst(final MethodHandle op, final long nanos) throws Throwable
    {
        final long start = System.nanoTime();
        long sink = 0;
        long done = 0;
        long now;
        do
        {
            for (int i = 0; i < 1024; i++)
            {
                sink += (long)op.invokeExact();
            }
            done += 1024;
            now = System.nanoTime();
        }
        while (now - start < nanos);
        consumed = sink;
        return done * 1e9 / (now - start);
    }

    private static double medianRatio(final double[] top, final double[] bottom)
    {
        final double[] ratios = new double[top.length];
        for (int i = 0; i < top.length; i++)
        {
            ratios[i] = top[i] / bottom[i];
        }
        return median(ratios);
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
