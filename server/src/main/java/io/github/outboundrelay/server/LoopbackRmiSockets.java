package io.github.outboundrelay.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMISocketFactory;

/**
 * Keeps James's JMX on loopback under ./run. James 3.8.1's {@code JMXServer} binds its RMI registry to
 * {@code jmx.address} (127.0.0.1 in james-conf) but creates its JMX connector server without an RMI server socket
 * factory, so the connector's own remote object is exported on a random port of every interface ({@code *:<port>}
 * in {@code ss -ltnp}). RMI takes the JVM-wide {@link RMISocketFactory} for objects exported without one: installed
 * before James starts, this one makes that port listen on loopback, and the address handed to JMX clients (the
 * {@code java.rmi.server.hostname} property, unless set) says loopback too, so that {@code james-cli} still connects.
 */
final class LoopbackRmiSockets extends RMISocketFactory {
    private static final int DEFAULT_BACKLOG = 50;

    private LoopbackRmiSockets() {
    }

    static void install() throws IOException {
        if (System.getProperty("java.rmi.server.hostname") == null) {
            System.setProperty("java.rmi.server.hostname", InetAddress.getLoopbackAddress().getHostAddress());
        }
        if (RMISocketFactory.getSocketFactory() == null) {
            RMISocketFactory.setSocketFactory(new LoopbackRmiSockets());
        }
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return new ServerSocket(port, DEFAULT_BACKLOG, InetAddress.getLoopbackAddress());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return RMISocketFactory.getDefaultSocketFactory().createSocket(host, port);
    }
}
