package io.github.outboundrelay.testing;

import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;

/**
 * A loopback UDP port that takes DNS queries and never answers: a DNS server that does not respond in time.
 */
public final class SilentDnsServer implements AutoCloseable {
    private final DatagramSocket socket;

    public SilentDnsServer() {
        this(0);
    }

    /** On that port of 127.0.0.1 (e.g. the one a stopped {@link Dnsmasq} served on). */
    public SilentDnsServer(int port) {
        try {
            socket = new DatagramSocket(port, InetAddress.getLoopbackAddress());
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        socket.close();
    }
}
