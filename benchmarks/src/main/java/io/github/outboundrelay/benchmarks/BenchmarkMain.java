package io.github.outboundrelay.benchmarks;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The benchmark of issue 6, one command: every figure beside a baseline measured in the same run, then the goals with
 * PASS or MISS. Arguments are {@code key=value} (see {@link BenchmarkSettings}); {@code smoke=true} is the short run
 * the normal build executes.
 *
 * <pre>
 * mvn -pl benchmarks verify -Pbenchmarks [-Dbench.args="mails=500 sizes=1"]
 * </pre>
 */
public final class BenchmarkMain {
    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = new java.util.ArrayList<>();
        for (String arg : args) {
            arguments.addAll(List.of(arg.trim().split("\\s+")));
        }
        Report report = run(BenchmarkSettings.parse(arguments.toArray(String[]::new)), System.out);
        System.out.println(report.table());
        // James and the sinks leave non-daemon threads behind.
        System.exit(0);
    }

    public static Report run(BenchmarkSettings settings, PrintStream log) throws Exception {
        long start = System.nanoTime();
        log.println("[bench] " + settings);
        log.println("[bench] " + Runtime.getRuntime().availableProcessors() + " processors, max heap "
            + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB, " + System.getProperty("java.vm.name") + " "
            + System.getProperty("java.runtime.version") + ", args " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        Report report = new Report(settings);
        // Memory first, in a heap that holds nothing else yet.
        if (settings.runs("memory")) {
            report.memory = RegistryMemory.measure(settings.memoryAddresses(), log);
        }
        if (settings.runs("throughput") || settings.runs("reuse")) {
            report.throughput = new RelayThroughput(settings, log).run();
        }
        if (settings.runs("scaling")) {
            report.scaling = new RelayScaling(settings, log).run();
        }
        if (settings.runs("matcher")) {
            log.println("[bench] JMH: matcher cost ...");
            report.matcher = MatcherCost.measure(settings);
        }
        report.seconds = (System.nanoTime() - start) / 1e9;
        return report;
    }
}
