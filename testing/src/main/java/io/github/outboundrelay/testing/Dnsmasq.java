package io.github.outboundrelay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server on loopback for the tests: Debian's {@code dnsmasq} (package {@code dnsmasq-base}) as a process the
 * test starts, in the foreground, with a configuration file of the test's own in {@code directory} and nothing else:
 * no system resolver ({@code no-resolv}), no {@code /etc/hosts}, no upstream server, listening on 127.0.0.1 only on a
 * free port (UDP and TCP), and authoritative for {@code .test} (a name under {@code .test} it does not serve answers
 * NXDOMAIN), answering {@code localhost} with 127.0.0.1. It serves the TXT records it is given, with a TTL of one second. {@link #serve} restarts it on the same
 * port with other records, as a domain that changes its DNS.
 *
 * <p>Run as root, dnsmasq drops its privileges to {@code nobody} once its socket is bound (its default).</p>
 */
public final class Dnsmasq implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path command;
    private final Path directory;
    private final boolean ownsDirectory;
    private final int port;
    private Process process;

    private Dnsmasq(Path command, Path directory, boolean ownsDirectory, int port) {
        this.command = command;
        this.directory = directory;
        this.ownsDirectory = ownsDirectory;
        this.port = port;
    }

    /** A server that is not started yet, on a free port: {@link #port()} is known before it serves. */
    public static Dnsmasq onFreePort(Path directory) {
        return new Dnsmasq(command(), directory, false, SmtpPeer.freePort());
    }

    /** The same, with its configuration and log in a temporary folder of its own, deleted by {@link #close()}. */
    public static Dnsmasq onFreePort() {
        Path command = command();
        try {
            return new Dnsmasq(command, Files.createTempDirectory("dnsmasq"), true, SmtpPeer.freePort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** In /usr/sbin: on root's PATH (./test adds it for other users). */
    private static Path command() {
        return RequiredCommand.require("dnsmasq", "dnsmasq-base");
    }

    /** Starts a server on a free port serving {@code txtRecords} (name to the text of its one TXT record). */
    public static Dnsmasq start(Path directory, Map<String, String> txtRecords) {
        Dnsmasq dnsmasq = onFreePort(directory);
        dnsmasq.serve(txtRecords);
        return dnsmasq;
    }

    public int port() {
        return port;
    }

    /** (Re)starts the server serving exactly {@code txtRecords}; returns once it answers queries. */
    public synchronized void serve(Map<String, String> txtRecords) {
        stop();
        Path conf = directory.resolve("dnsmasq.conf");
        List<String> lines = new ArrayList<>(List.of("port=" + port, "listen-address=127.0.0.1", "bind-interfaces",
            "no-resolv", "no-hosts", "no-poll", "local=/test/", "local-ttl=1", "log-queries",
            // what /etc/hosts would have said: relays and peers of the tests listen on "localhost"
            "host-record=localhost,127.0.0.1"));
        new LinkedHashMap<>(txtRecords).forEach((name, text) -> lines.add("txt-record=" + name + ",\"" + text + "\""));
        try {
            Files.createDirectories(directory);
            Files.write(conf, lines, StandardCharsets.UTF_8);
            process = new ProcessBuilder(List.of(command.toString(), "--keep-in-foreground", "--conf-file=" + conf,
                "--pid-file=", "--log-facility=-"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("dnsmasq.log").toFile()))
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
        awaitAnswering();
    }

    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
        if (ownsDirectory) {
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Asks for {@code ready.test} TXT until an answer (NXDOMAIN is one) comes back. */
    private void awaitAnswering() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(200);
            byte[] query = txtQuery("ready.test");
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("dnsmasq exited at start; see " + directory.resolve("dnsmasq.log"));
                }
                socket.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
                try {
                    socket.receive(new DatagramPacket(new byte[512], 512));
                    return;
                } catch (SocketTimeoutException notYet) {
                    // not listening yet
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("dnsmasq does not answer on 127.0.0.1:" + port + " after " + START_TIMEOUT);
    }

    /** A DNS query (RFC 1035 4.1) for the TXT records of {@code name}, recursion desired. */
    private static byte[] txtQuery(String name) {
        List<Byte> bytes = new ArrayList<>(List.of((byte) 0x12, (byte) 0x34, (byte) 0x01, (byte) 0x00, (byte) 0, (byte) 1,
            (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 0));
        for (String label : name.split("\\.")) {
            bytes.add((byte) label.length());
            for (byte b : label.getBytes(StandardCharsets.US_ASCII)) {
                bytes.add(b);
            }
        }
        bytes.addAll(List.of((byte) 0, (byte) 0, (byte) 16, (byte) 0, (byte) 1));
        byte[] query = new byte[bytes.size()];
        for (int i = 0; i < query.length; i++) {
            query[i] = bytes.get(i);
        }
        return query;
    }
}
