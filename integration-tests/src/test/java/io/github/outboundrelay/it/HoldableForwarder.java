package io.github.outboundrelay.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.outboundrelay.testing.SmtpPeer;

/**
 * A TCP forwarder on loopback between James and a partner relay (an {@link SmtpPeer}), passing bytes through as they
 * are (TLS included), that a test can hold: while held, what James sends on any connection is read but not passed
 * on, so James's attempt stays in progress, waiting for the relay's reply, as long as the test looks at where the mail
 * is meanwhile. Replies of the relay are never held.
 */
final class HoldableForwarder implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private boolean holding;
    /** Reads from James that waited because of a hold, since the last {@link #hold()}. */
    private int heldReads;

    private HoldableForwarder(int targetPort) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.targetPort = targetPort;
        daemon("forwarder-accept-" + port(), this::acceptLoop);
    }

    static HoldableForwarder to(SmtpPeer relay) {
        try {
            return new HoldableForwarder(relay.port());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return listener.getLocalPort();
    }

    /** From now on, bytes James sends wait here until {@link #release()}. */
    synchronized void hold() {
        holding = true;
        heldReads = 0;
    }

    synchronized void release() {
        holding = false;
        notifyAll();
    }

    /** James sent something to the relay since {@link #hold()}, and it is waiting here: an attempt is in progress. */
    synchronized boolean holdsBytesFromJames() {
        return heldReads > 0;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket fromJames = listener.accept();
                Socket toRelay = new Socket(InetAddress.getByName("127.0.0.1"), targetPort);
                sockets.add(fromJames);
                sockets.add(toRelay);
                daemon("forwarder-to-relay", () -> pump(fromJames, toRelay, true));
                daemon("forwarder-to-james", () -> pump(toRelay, fromJames, false));
            } catch (IOException e) {
                // closed: the test is over
            }
        }
    }

    private void pump(Socket from, Socket to, boolean holdable) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (holdable) {
                    waitWhileHeld();
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed the connection: close the other too
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private synchronized void waitWhileHeld() throws InterruptedException {
        if (holding) {
            heldReads++;
        }
        while (holding) {
            wait();
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }

    @Override
    public void close() {
        release();
        closeQuietly(listener);
        sockets.forEach(HoldableForwarder::closeQuietly);
    }
}
