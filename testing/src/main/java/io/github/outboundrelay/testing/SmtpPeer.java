package io.github.outboundrelay.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * A real SMTP server on 127.0.0.1 and an ephemeral port, for tests: a partner relay (STARTTLS or implicit TLS, AUTH
 * PLAIN/LOGIN, scripted refusals) or a plain recording gateway. It records what it accepted.
 */
public final class SmtpPeer implements AutoCloseable {
    private final SMTPServer server;
    private final PeerBehaviour behaviour;
    private final List<ReceivedMail> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger authAttempts = new AtomicInteger();

    private SmtpPeer(Builder builder) {
        this.behaviour = builder.behaviour;
        SMTPServer.Builder server = SMTPServer.port(0)
            .bindAddress(loopback())
            .hostName("localhost")
            .messageHandlerFactory(context -> new RecordingHandler(context, behaviour, received::add))
            .sessionHandler(new CountingSessions());
        if (builder.startTls) {
            server.enableTLS().requireTLS().startTlsSocketFactory(TestTls.serverContext(builder.trustedCertificate), false);
        }
        if (builder.implicitTls) {
            server.serverSocketFactory(TestTls.serverContext(builder.trustedCertificate));
        }
        if (builder.auth) {
            server.requireAuth().authenticationHandlerFactory(new EasyAuthenticationHandlerFactory(this::login));
        }
        this.server = server.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<ReceivedMail> received() {
        return List.copyOf(received);
    }

    public int connectionCount() {
        return connections.get();
    }

    public int authAttempts() {
        return authAttempts.get();
    }

    /** Refuses RCPT TO of that address with the given reply from now on. */
    public SmtpPeer refuseRecipient(String address, int code, String text) {
        behaviour.refusedRecipients.put(address.toLowerCase(Locale.ROOT), new PeerBehaviour.Reply(code, text));
        return this;
    }

    /** Answers MAIL FROM of the next {@code count} transactions with the given reply. */
    public SmtpPeer failNextTransactions(int count, int code, String text) {
        behaviour.transactionFailure = new PeerBehaviour.Reply(code, text);
        behaviour.transactionsToFail.set(count);
        return this;
    }

    public List<ReceivedMail> awaitMessages(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Expected " + count + " message(s) on port " + port() + " within " + timeout
                    + ", got " + received.size());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for messages", e);
            }
        }
        return received();
    }

    @Override
    public void close() {
        server.stop();
    }

    private void login(String username, String password, org.subethamail.smtp.MessageContext context) throws LoginFailedException {
        authAttempts.incrementAndGet();
        if (!behaviour.accepts(username, password)) {
            throw new LoginFailedException("5.7.8 Authentication credentials invalid");
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class CountingSessions implements SessionHandler {
        @Override
        public SessionAcceptance accept(Session session) {
            connections.incrementAndGet();
            return SessionAcceptance.success();
        }

        @Override
        public void onSessionEnd(Session session) {
        }
    }

    public static final class Builder {
        private final PeerBehaviour behaviour = new PeerBehaviour();
        private boolean startTls;
        private boolean implicitTls;
        private boolean auth;
        private boolean trustedCertificate = true;

        /** STARTTLS offered and required before MAIL and AUTH. */
        public Builder requireStartTls() {
            startTls = true;
            return this;
        }

        /** SMTPS: TLS from the first byte. */
        public Builder implicitTls() {
            implicitTls = true;
            return this;
        }

        public Builder requireAuth(String username, String password) {
            auth = true;
            behaviour.username = username;
            behaviour.password = password;
            return this;
        }

        /** AUTH is offered and required, and every attempt is answered 535. */
        public Builder rejectAllAuth() {
            auth = true;
            behaviour.rejectAllAuth = true;
            return this;
        }

        /** Neither TLS nor AUTH: a recording gateway. */
        public Builder plain() {
            return this;
        }

        /** Presents a self-signed certificate that no test trust store holds. */
        public Builder withUntrustedCertificate() {
            trustedCertificate = false;
            return this;
        }

        public SmtpPeer start() {
            SmtpPeer peer = new SmtpPeer(this);
            peer.server.start();
            return peer;
        }
    }
}
