package io.readstates.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The load tool, and the entry point of the benchmark jar:
 * {@code java -jar target/readstates-bench.jar <command> --option=value ...}
 *
 * <ul>
 * <li>{@code jmh [JMH options]}: the JMH microbenchmarks, such as {@code jmh StoreBenchmark -prof gc}</li>
 * <li>{@code preload --redis=URL --hotUsers=N --coldUsers=N --channelsPerUser=N}: the population into Redis</li>
 * <li>{@code warm --url=URL --token=T --hotUsers=N}: read every hot user once, so the service holds it</li>
 * <li>{@code run --url=URL --token=T --rate=R --warmup=S --duration=S --mix=ack=40,read=40,message=10,badges=10
 * --coldShare=0.1 --out=DIR --label=NAME --measuredPids=SERVICE,REDIS --owner=any}: constant offered rate; percentiles and a
 * per-second CSV with the CPU other processes used and steal, each second marked contaminated or not ({@code
 * --canaries=FILE,FILE} also judges it by bench/canary.py's files, see {@link Canaries}). {@code --url} may
 * list several nodes of a cluster (each takes requests in turn); {@code --owner=local|remote} asks only for users that
 * the first node owns, or only for users it forwards</li>
 * <li>{@code saturate --url=URL[,URL...] --concurrency=C --duration=S [--measuredPids=P,...] [--owner=routed]}: acks at saturation, closed loop,
 *     with the CPU the processes P used together per request</li>
 * <li>{@code bare --port=P}: the bare Vert.x endpoint that answers a constant</li>
 * <li>{@code hot --url=URL --redis=URL --users=5 --rate=R --duration=S}: coalescing and flush lag</li>
 * <li>{@code gateway --url=URL --token=T --secret=S --sockets=10000 --rate=R --duration=S}: message to badges-frame latency</li>
 * <li>{@code gclog --file=F}: pauses and heap from a -Xlog:gc* file</li>
 * <li>{@code chart --csv=a.csv,b.csv --labels=A,B --out=F.png}: per-second p99 of several runs on one plot</li>
 * </ul>
 */
public final class LoadTool
{
    private LoadTool()
    {
    }

    /** One event loop: every callback of the tool runs on it, so its bookkeeping needs no locks. */
    static Vertx vertx()
    {
        return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length == 0)
        {
            System.err.println("usage: readstates-bench jmh|preload|warm|run|saturate|bare|hot|gateway|gclog|chart --name=value ...");
            System.exit(2);
        }
        if (args[0].equals("jmh"))
        {
            org.openjdk.jmh.Main.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        final Options options = new Options(args, 1);
        try
        {
            switch (args[0])
            {
                case "preload":
                    new Preload(options).redis();
                    break;
                case "warm":
                    new Preload(options).warm();
                    break;
                case "run":
                    new OpenLoop(options).run();
                    break;
                case "saturate":
                    new Saturate(options).run();
                    break;
                case "bare":
                    BareServer.run(options);
                    return;
                case "hot":
                    new HotUsers(options).run();
                    break;
                case "gateway":
                    new GatewayLoad(options).run();
                    break;
                case "gclog":
                    GcLog.print(options);
                    break;
                case "chart":
                    Chart.draw(options);
                    break;
                default:
                    System.err.println("unknown command " + args[0]);
                    System.exit(2);
            }
        }
        catch (final Exception e)
        {
            // Vert.x's threads would keep a failed run's JVM alive, and the script waiting on it, for good.
            System.err.println(args[0] + " failed: " + e);
            System.exit(1);
        }
        System.exit(0);
    }
}
