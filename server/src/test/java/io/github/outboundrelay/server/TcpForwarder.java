package io.github.outboundrelay.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Listens on a given loopback port and pipes every connection, byte for byte, to another local port. It lets a test
 * bring a relay up on the very port registered while it was down ({@code SmtpPeer} always takes an ephemeral port);
 * TLS passes through untouched, end to end between James and the peer.
 */
final class TcpForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;

    private TcpForwarder(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    static TcpForwarder start(int port, int targetPort) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        TcpForwarder forwarder = new TcpForwarder(server, targetPort);
        daemon(forwarder::acceptLoop, "forwarder-accept-" + port);
        return forwarder;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                daemon(() -> pipe(client, target), "forwarder-up");
                daemon(() -> pipe(target, client), "forwarder-down");
            } catch (IOException e) {
                // closed, or one connection failed: the relay client sees a dropped connection
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private static void daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
