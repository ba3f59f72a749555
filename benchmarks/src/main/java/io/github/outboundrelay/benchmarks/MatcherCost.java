package io.github.outboundrelay.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link MatcherBenchmark} through JMH (forked JVMs unless {@code jmhForks=0}) and keeps median and p99 of each
 * benchmark method per registry size.
 */
final class MatcherCost {
    record Result(String benchmark, int registered, double medianNanos, double p99Nanos, long samples) {
    }

    private MatcherCost() {
    }

    static List<Result> measure(BenchmarkSettings settings) throws RunnerException {
        Options options = new OptionsBuilder()
            .include(MatcherBenchmark.class.getName().replace(".", "\\.") + "\\.")
            .param("registered", settings.jmhRegistered().stream().map(String::valueOf).toArray(String[]::new))
            .forks(settings.jmhForks())
            .warmupIterations(settings.jmhWarmupIterations())
            .warmupTime(TimeValue.milliseconds(settings.jmhIterationMillis()))
            .measurementIterations(settings.jmhIterations())
            .measurementTime(TimeValue.milliseconds(settings.jmhIterationMillis()))
            .threads(1)
            .jvmArgsAppend("-Xms3g", "-Xmx3g")
            .verbosity(settings.smoke() ? VerboseMode.SILENT : VerboseMode.NORMAL)
            .shouldFailOnError(true)
            .build();
        Collection<RunResult> runs = new Runner(options).run();
        List<Result> results = new ArrayList<>();
        for (RunResult run : runs) {
            String method = run.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            var statistics = run.getPrimaryResult().getStatistics();
            results.add(new Result(method, Integer.parseInt(run.getParams().getParam("registered")),
                statistics.getPercentile(50), statistics.getPercentile(99), statistics.getN()));
        }
        return results;
    }
}
