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
import org.subethamail.smtp.internal.server.CommandHandler;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * A real SMTP server on 127.0.0.1 and an ephemeral port, for tests: a partner relay (STARTTLS or implicit TLS, AUTH
 * PLAIN/LOGIN or XOAUTH2/OAUTHBEARER with validated bearer tokens, scripted refusals) or a plain recording gateway. It records what it accepted.
 */
public final class SmtpPeer implements AutoCloseable {
    private final SMTPServer server;
    private final PeerBehaviour behaviour;
    private final List<ReceivedMail> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger authAttempts = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger maxSimultaneousConnections = new AtomicInteger();
    private final AtomicInteger resetCount = new AtomicInteger();
    private final List<String> mailFromCommands = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> closedSessions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<String> authMechanismsAccepted = new CopyOnWriteArrayList<>();
    private final List<String> tokenRefusals = new CopyOnWriteArrayList<>();

    private SmtpPeer(Builder builder) {
        this.behaviour = builder.behaviour;
        SMTPServer.Builder server = SMTPServer.port(builder.port)
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
        if (builder.oauthValidator != null) {
            server.requireAuth().authenticationHandlerFactory(new OAuthAuthenticationHandlerFactory(
                builder.oauthValidator, builder.oauthMechanisms, new OAuthOutcomes()));
        } else if (builder.auth) {
            server.requireAuth().authenticationHandlerFactory(new EasyAuthenticationHandlerFactory(this::login));
        }
        this.server = server.build();
        observeCommands();
    }

    /** RSET is counted, MAIL FROM recorded (accepted or not), and both may drop the connection when scripted. */
    private void observeCommands() {
        CommandHandler commands = server.getCommandHandler();
        // A connection stops counting as open when the client says QUIT, before the peer answers 221: a client that
        // waits for that reply and then connects again is never counted twice.
        commands.addCommand(new ObservedCommand(commands.getCommand("QUIT"), new ObservedCommand.Observer() {
            @Override
            public boolean before(Session session) {
                connectionEnded(session);
                return true;
            }

            @Override
            public void after(Session session) {
            }
        }));
        commands.addCommand(new ObservedCommand(commands.getCommand("RSET"), new ObservedCommand.Observer() {
            @Override
            public boolean before(Session session) {
                resetCount.incrementAndGet();
                return true;
            }

            @Override
            public void after(Session session) {
            }
        }));
        commands.addCommand(new ObservedCommand(commands.getCommand("MAIL"), new ObservedCommand.Observer() {
            @Override
            public boolean before(Session session) {
                return !behaviour.dropOnNextMailFrom.getAndSet(false);
            }

            @Override
            public void after(Session session) {
                mailFromCommands.add(session.getSessionId());
            }
        }));
        commands.addCommand(new ObservedCommand(commands.getCommand("DATA"), new ObservedCommand.Observer() {
            @Override
            public boolean before(Session session) {
                return true;
            }

            @Override
            public void after(Session session) {
                if (behaviour.dropAfterNextTransaction.getAndSet(false)) {
                    try {
                        session.closeSocket();
                    } catch (java.io.IOException e) {
                        // already gone: what we wanted
                    }
                    session.quit();
                }
            }
        }));
    }

    /** A port free right now on loopback, for a peer started later ("the relay is down, then up"). */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, loopback())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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

    /** The most connections that were open at the same time since the peer started. */
    public int maxSimultaneousConnections() {
        return maxSimultaneousConnections.get();
    }

    /** How many RSET commands clients sent. */
    public int resetCount() {
        return resetCount.get();
    }

    /** How many MAIL FROM commands were answered (accepted or refused); dropped ones are not counted. */
    public int mailFromCount() {
        return mailFromCommands.size();
    }

    /** For an OAuth peer: the SASL mechanism of each accepted AUTH, in order. */
    public List<String> authMechanismsAccepted() {
        return List.copyOf(authMechanismsAccepted);
    }

    /** For an OAuth peer: why each refused bearer token was refused (signature, audience, expiry, account). */
    public List<String> tokenRefusals() {
        return List.copyOf(tokenRefusals);
    }

    /** Accepts one more account (or changes the password of one), while the peer runs. */
    public SmtpPeer acceptCredentials(String username, String password) {
        behaviour.credentials.put(username, password);
        return this;
    }

    /** Closes the connection right after the next accepted message, as a server whose idle timeout expired. */
    public SmtpPeer dropConnectionAfterNextTransaction() {
        behaviour.dropAfterNextTransaction.set(true);
        return this;
    }

    /** Closes the connection without a reply when the next MAIL FROM arrives. */
    public SmtpPeer dropConnectionOnNextMailFrom() {
        behaviour.dropOnNextMailFrom.set(true);
        return this;
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

    private void connectionEnded(Session session) {
        if (closedSessions.add(session.getSessionId())) {
            openConnections.decrementAndGet();
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class OAuthOutcomes implements OAuthAuthenticationHandlerFactory.Outcomes {
        @Override
        public void authenticated(String mechanism, String account) {
            authAttempts.incrementAndGet();
            authMechanismsAccepted.add(mechanism);
        }

        @Override
        public void refused(String mechanism, String reason) {
            authAttempts.incrementAndGet();
            tokenRefusals.add(mechanism + ": " + reason);
        }
    }

    private final class CountingSessions implements SessionHandler {
        @Override
        public SessionAcceptance accept(Session session) {
            connections.incrementAndGet();
            int open = openConnections.incrementAndGet();
            maxSimultaneousConnections.accumulateAndGet(open, Math::max);
            return SessionAcceptance.success();
        }

        @Override
        public void onSessionEnd(Session session) {
            connectionEnded(session);
        }
    }

    public static final class Builder {
        private final PeerBehaviour behaviour = new PeerBehaviour();
        private boolean startTls;
        private boolean implicitTls;
        private boolean auth;
        private boolean trustedCertificate = true;
        private int port;
        private BearerTokenValidator oauthValidator;
        private List<String> oauthMechanisms = OAuthAuthenticationHandlerFactory.MECHANISMS;

        /** Listens on that port (a relay that comes up where a send-as address already points); default: any free port. */
        public Builder onPort(int port) {
            this.port = port;
            return this;
        }

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
            behaviour.credentials.put(username, password);
            return this;
        }

        /**
         * AUTH is required and only XOAUTH2 and OAUTHBEARER are offered, as Microsoft 365 and Gmail do once basic
         * authentication is off: a bearer token is accepted when the validator accepts it (signature, issuer,
         * audience, expiry) and it was issued for the account named in the exchange.
         */
        public Builder requireOAuth(BearerTokenValidator validator) {
            return requireOAuth(validator, OAuthAuthenticationHandlerFactory.MECHANISMS);
        }

        /** As {@link #requireOAuth(BearerTokenValidator)}, announcing only these of XOAUTH2 and OAUTHBEARER. */
        public Builder requireOAuth(BearerTokenValidator validator, List<String> mechanisms) {
            if (!OAuthAuthenticationHandlerFactory.MECHANISMS.containsAll(mechanisms) || mechanisms.isEmpty()) {
                throw new IllegalArgumentException("mechanisms must be among " + OAuthAuthenticationHandlerFactory.MECHANISMS);
            }
            auth = true;
            oauthValidator = validator;
            oauthMechanisms = List.copyOf(mechanisms);
            return this;
        }

        /** AUTH is offered and required, and every attempt is answered 535. */
        public Builder rejectAllAuth() {
            auth = true;
            behaviour.rejectAllAuth = true;
            return this;
        }

        /**
         * AUTH not announced: every client may send without authenticating (a relay that does not enforce AUTH, or
         * a trap that takes whatever it is sent). The default unless {@link #requireAuth} or {@link #rejectAllAuth}.
         */
        public Builder withoutAuth() {
            auth = false;
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
