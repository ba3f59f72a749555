package io.github.outboundrelay.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * Notes when each benchmark mail was accepted by a sink. {@link SmtpPeer} has no listener, so a thread polls the
 * peers' received lists every {@value #POLL_MILLIS} ms and stamps what is new: acceptance times are late by at most
 * that much plus scheduling delay, the same for every scenario. Mail a peer held before the tracker started is
 * ignored, and so is mail without the benchmark id header.
 */
final class AcceptanceTracker implements AutoCloseable {
    static final int POLL_MILLIS = 1;
    private static final byte[] ID_PREFIX = (SubmissionClient.ID_HEADER + ": ").getBytes(StandardCharsets.US_ASCII);

    private final List<SmtpPeer> peers;
    private final int[] seen;
    private final int connectionsAtStart;
    private final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    private final Thread poller;
    private volatile boolean running = true;

    AcceptanceTracker(List<SmtpPeer> peers) {
        this.peers = List.copyOf(peers);
        this.seen = new int[peers.size()];
        int connections = 0;
        for (int i = 0; i < peers.size(); i++) {
            seen[i] = peers.get(i).received().size();
            connections += peers.get(i).connectionCount();
        }
        this.connectionsAtStart = connections;
        this.poller = new Thread(this::poll, "bench-acceptance-poller");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        while (running) {
            for (int i = 0; i < peers.size(); i++) {
                List<ReceivedMail> received = peers.get(i).received();
                if (received.size() > seen[i]) {
                    long now = System.nanoTime();
                    for (int j = seen[i]; j < received.size(); j++) {
                        String id = idOf(received.get(j).raw());
                        if (id != null) {
                            acceptedAt.putIfAbsent(id, now);
                        }
                    }
                    seen[i] = received.size();
                }
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static String idOf(byte[] raw) {
        int limit = Math.min(raw.length, 16384) - ID_PREFIX.length;
        outer:
        for (int i = 0; i <= limit; i++) {
            if (i > 0 && raw[i - 1] != '\n') {
                continue;
            }
            for (int k = 0; k < ID_PREFIX.length; k++) {
                if (raw[i + k] != ID_PREFIX[k]) {
                    continue outer;
                }
            }
            int start = i + ID_PREFIX.length;
            int end = start;
            while (end < raw.length && raw[end] != '\r' && raw[end] != '\n') {
                end++;
            }
            return new String(raw, start, end - start, StandardCharsets.US_ASCII).trim();
        }
        return null;
    }

    int acceptedCount() {
        return acceptedAt.size();
    }

    Long acceptedAt(String id) {
        return acceptedAt.get(id);
    }

    int connectionsSinceStart() {
        return peers.stream().mapToInt(SmtpPeer::connectionCount).sum() - connectionsAtStart;
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
    }
}
