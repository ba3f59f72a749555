package io.github.outboundrelay.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.github.outboundrelay.testing.TestTls;

/**
 * The benchmark's sink, in place of the tests' SmtpPeer whose own cost starved the James under test: a real SMTP server
 * on 127.0.0.1 that requires STARTTLS (the certificate of {@link TestTls}) and then AUTH PLAIN or LOGIN, reads DATA in
 * blocks ({@link SmtpInput}) and keeps only the message's id ({@link DataScanner}). A message is accepted when its 250
 * is written: the listener gets that instant, taken just before. One thread per connection; no PIPELINING.
 */
final class BenchSink implements AutoCloseable {
    /** Told of each accepted message; {@code id} is null when it had no id header. */
    @FunctionalInterface
    interface Listener {
        void accepted(String id, long acceptedNanos);
    }

    private static final Listener NOBODY = (id, acceptedNanos) -> { };
    /** Idle connections are closed after subethasmtp's default, so pooled relay sessions live as long as with SmtpPeer. */
    private static final int IDLE_TIMEOUT_MILLIS = 60_000;

    private final SSLSocketFactory tls = TestTls.trustedServerContext().getSocketFactory();
    private final Map<String, String> credentials = new ConcurrentHashMap<>();
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger mostOpenAtOnce = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "bench-sink");
        thread.setDaemon(true);
        return thread;
    });
    private final ServerSocket serverSocket;
    private volatile Listener listener = NOBODY;

    BenchSink() {
        try {
            serverSocket = new ServerSocket(0, 128, InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::acceptConnections);
    }

    BenchSink acceptCredentials(String login, String password) {
        credentials.put(login, password);
        return this;
    }

    /** Replaces the listener; {@code null} stops telling anyone. */
    void listen(Listener listener) {
        this.listener = listener == null ? NOBODY : listener;
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    int connectionCount() {
        return connections.get();
    }

    /** The most connections this sink had open at one moment (as a partner relay's per-client limit counts them). */
    int mostOpenAtOnce() {
        return mostOpenAtOnce.get();
    }

    @Override
    public void close() {
        closeQuietly(serverSocket);
        openSockets.forEach(BenchSink::closeQuietly);
        threads.shutdownNow();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing is all we wanted
        }
    }

    private void acceptConnections() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                connections.incrementAndGet();
                openSockets.add(socket);
                mostOpenAtOnce.accumulateAndGet(openSockets.size(), Math::max);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    private void serve(Socket socket) {
        try (Socket plain = socket) {
            plain.setSoTimeout(IDLE_TIMEOUT_MILLIS);
            new Session(plain).run();
        } catch (IOException e) {
            // the client went away, timed out, or the sink was closed
        } finally {
            openSockets.remove(socket);
        }
    }

    /** One connection's SMTP dialogue. */
    private final class Session {
        private Socket socket;
        private SmtpInput input;
        private OutputStream out;
        private boolean secure;
        private boolean authenticated;
        private boolean hasSender;
        private boolean hasRecipient;

        Session(Socket socket) throws IOException {
            useSocket(socket);
        }

        private void useSocket(Socket socket) throws IOException {
            this.socket = socket;
            this.input = new SmtpInput(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        void run() throws IOException {
            reply("220 localhost ESMTP bench sink");
            while (true) {
                String line = input.readLine();
                int space = line.indexOf(' ');
                String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
                String argument = space < 0 ? "" : line.substring(space + 1).trim();
                switch (verb) {
                    case "EHLO" -> reply("250-localhost\r\n" + (secure ? "250-AUTH PLAIN LOGIN" : "250-STARTTLS") + "\r\n250 8BITMIME");
                    case "HELO" -> reply("250 localhost");
                    case "STARTTLS" -> startTls();
                    case "AUTH" -> authenticate(argument);
                    case "MAIL" -> mailFrom();
                    case "RCPT" -> rcptTo();
                    case "DATA" -> data();
                    case "RSET" -> {
                        endTransaction();
                        reply("250 2.0.0 OK");
                    }
                    case "NOOP" -> reply("250 2.0.0 OK");
                    case "QUIT" -> {
                        reply("221 2.0.0 Bye");
                        return;
                    }
                    default -> reply("500 5.5.2 Unknown command");
                }
            }
        }

        private void startTls() throws IOException {
            if (secure) {
                reply("503 5.5.1 TLS already active");
                return;
            }
            reply("220 2.0.0 Ready to start TLS");
            SSLSocket upgraded = (SSLSocket) tls.createSocket(socket, null, socket.getPort(), true);
            upgraded.setUseClientMode(false);
            upgraded.startHandshake();
            // Anything the client sent before the handshake is discarded with the plain input, as RFC 3207 asks.
            useSocket(upgraded);
            secure = true;
        }

        private void authenticate(String argument) throws IOException {
            if (!secure || authenticated) {
                reply(secure ? "503 5.5.1 Already authenticated" : "530 5.7.0 Must issue a STARTTLS command first");
                return;
            }
            String[] words = argument.split(" ", 2);
            String initial = words.length > 1 ? words[1] : null;
            String login;
            String password;
            if (words[0].equalsIgnoreCase("PLAIN")) {
                // authorization identity NUL login NUL password
                String[] fields = decode(initial != null ? initial : challenge("")).split("\0", -1);
                login = fields.length == 3 ? fields[1] : null;
                password = fields.length == 3 ? fields[2] : null;
            } else if (words[0].equalsIgnoreCase("LOGIN")) {
                login = decode(initial != null ? initial : challenge("VXNlcm5hbWU6"));
                password = decode(challenge("UGFzc3dvcmQ6"));
            } else {
                reply("504 5.5.4 Unrecognized authentication type");
                return;
            }
            authenticated = login != null && password != null && password.equals(credentials.get(login));
            reply(authenticated ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
        }

        private String challenge(String prompt) throws IOException {
            reply("334 " + prompt);
            return input.readLine();
        }

        private String decode(String base64) {
            try {
                return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "";
            }
        }

        private void mailFrom() throws IOException {
            if (!secure || !authenticated) {
                reply(secure ? "530 5.7.0 Authentication required" : "530 5.7.0 Must issue a STARTTLS command first");
                return;
            }
            endTransaction();
            hasSender = true;
            reply("250 2.1.0 OK");
        }

        private void endTransaction() {
            hasSender = false;
            hasRecipient = false;
        }

        private void rcptTo() throws IOException {
            hasRecipient = hasSender;
            reply(hasSender ? "250 2.1.5 OK" : "503 5.5.1 MAIL first");
        }

        private void data() throws IOException {
            if (!hasSender || !hasRecipient) {
                reply("503 5.5.1 RCPT first");
                return;
            }
            reply("354 End data with <CR><LF>.<CR><LF>");
            DataScanner message = new DataScanner();
            input.readData(message);
            endTransaction();
            long acceptedNanos = System.nanoTime();
            reply("250 2.0.0 OK: queued");
            listener.accepted(message.id(), acceptedNanos);
        }

        private void reply(String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }
}
