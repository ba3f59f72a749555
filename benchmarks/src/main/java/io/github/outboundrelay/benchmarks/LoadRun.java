package io.github.outboundrelay.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Submits {@code n} mails with a fixed number of client threads and waits until the sinks accepted them all (or a
 * deadline passed): throughput from the first submission to the last acceptance, and each mail's latency from the start
 * of its submission (before connecting) to its acceptance by a sink.
 */
final class LoadRun {
    /** Sends mail number {@code index} carrying {@code id} in its id header. */
    @FunctionalInterface
    interface Submitter {
        void submit(int index, String id) throws Exception;
    }

    record Result(String name, int mails, int failedSubmissions, int accepted, double seconds, double mailsPerSecond,
                  double p50Millis, double p99Millis, int connections, String firstError) {
        boolean complete() {
            return accepted == mails && failedSubmissions == 0;
        }

        double connectionsPer1000() {
            return accepted == 0 ? Double.NaN : connections * 1000.0 / accepted;
        }
    }

    private static final AtomicInteger RUNS = new AtomicInteger();

    private LoadRun() {
    }

    static Result run(String name, int n, int clients, List<BenchSink> sinks, Submitter submitter) throws InterruptedException {
        String runTag = "r" + RUNS.incrementAndGet();
        long[] submittedAt = new long[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        try (AcceptanceTracker tracker = new AcceptanceTracker(sinks)) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long start = System.nanoTime();
            for (int t = 0; t < clients; t++) {
                pool.execute(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        submittedAt[i] = System.nanoTime();
                        try {
                            submitter.submit(i, runTag + "-" + i);
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            firstError.compareAndSet(null, e.toString());
                        }
                    }
                });
            }
            pool.shutdown();
            // Generous: a stall shows as an incomplete run in the table, not as a hung build.
            Duration patience = Duration.ofSeconds(60).plusMillis(100L * n);
            long deadline = start + patience.toNanos();
            while (System.nanoTime() < deadline) {
                boolean submissionsDone = pool.isTerminated();
                if (submissionsDone && tracker.acceptedCount() >= n - failed.get()) {
                    break;
                }
                Thread.sleep(5);
            }
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);

            List<Long> latencies = new ArrayList<>(n);
            long lastAcceptance = start;
            for (int i = 0; i < n; i++) {
                Long accepted = tracker.acceptedAt(runTag + "-" + i);
                if (accepted != null) {
                    latencies.add(accepted - submittedAt[i]);
                    lastAcceptance = Math.max(lastAcceptance, accepted);
                }
            }
            double seconds = (lastAcceptance - start) / 1e9;
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Result(name, n, failed.get(), sorted.length, seconds,
                sorted.length == 0 ? 0 : sorted.length / seconds,
                percentile(sorted, 50) / 1e6, percentile(sorted, 99) / 1e6,
                tracker.connectionsSinceStart(), firstError.get());
        }
    }

    /** Nearest-rank percentile. */
    static double percentile(long[] sorted, double percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
