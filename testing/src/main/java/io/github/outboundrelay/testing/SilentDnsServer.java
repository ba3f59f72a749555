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
        try {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
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
