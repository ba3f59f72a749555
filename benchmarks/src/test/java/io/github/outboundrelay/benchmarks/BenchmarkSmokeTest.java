package io.github.outboundrelay.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Keeps the benchmark harness from rotting: the whole benchmark, every part, on a few hundred mails and with JMH
 * iterations of a fraction of a second. It asserts that every part ran and every mail arrived, never a figure: timings
 * from a smoke run on a shared machine mean nothing (the full run is documented in docs/BENCHMARKS.md).
 */
class BenchmarkSmokeTest {
    @Test
    void everyPartOfTheBenchmarkRunsAndEveryMailArrives() throws Exception {
        Report report = BenchmarkMain.run(BenchmarkSettings.parse("smoke=true"), System.out);
        System.out.println(report.table());

        RelayThroughput.Results throughput = report.throughput().orElseThrow();
        assertThat(throughput.sizes()).isNotEmpty();
        for (RelayThroughput.SizeResults size : throughput.sizes()) {
            for (LoadRun.Result result : List.of(size.baselineB(), size.baselineA(), size.relayOne(), size.relayMany())) {
                assertThat(result.complete()).as(result.name() + ": " + result).isTrue();
                assertThat(result.mailsPerSecond()).as(result.name()).isPositive();
            }
        }
        assertThat(throughput.reuse().complete()).as(String.valueOf(throughput.reuse())).isTrue();
        assertThat(throughput.reuse().connections()).isPositive();

        assertThat(report.matcher().orElseThrow())
            .extracting(MatcherCost.Result::benchmark)
            .contains("fromIsRelayableSendAs", "fromIsRelayableSendAsPrimaryAddress", "stockSmtpAuthSuccessful", "hashMapLookup");
        assertThat(report.matcher().orElseThrow()).allSatisfy(result -> assertThat(result.medianNanos()).isPositive());

        assertThat(report.memory().orElseThrow().bytesPerAddress()).isPositive();
        assertThat(report.goals()).isNotEmpty();
        assertThat(report.table()).contains("### Goals");
    }
}
