package io.github.outboundrelay.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Notes when each benchmark mail was accepted by a sink: it listens to the {@link BenchSink}s, which stamp a mail right
 * before writing the 250 that accepts it. Mail accepted before the tracker started is not seen, and mail without the
 * benchmark id header is ignored.
 */
final class AcceptanceTracker implements AutoCloseable {
    private final List<BenchSink> sinks;
    private final int connectionsAtStart;
    private final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();

    AcceptanceTracker(List<BenchSink> sinks) {
        this.sinks = List.copyOf(sinks);
        this.connectionsAtStart = connections();
        this.sinks.forEach(sink -> sink.listen(this::accepted));
    }

    private void accepted(String id, long acceptedNanos) {
        if (id != null) {
            acceptedAt.putIfAbsent(id, acceptedNanos);
        }
    }

    int acceptedCount() {
        return acceptedAt.size();
    }

    Long acceptedAt(String id) {
        return acceptedAt.get(id);
    }

    int connectionsSinceStart() {
        return connections() - connectionsAtStart;
    }

    private int connections() {
        return sinks.stream().mapToInt(BenchSink::connectionCount).sum();
    }

    @Override
    public void close() {
        sinks.forEach(sink -> sink.listen(null));
    }
}
