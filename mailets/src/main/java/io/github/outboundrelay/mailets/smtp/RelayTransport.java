package io.github.outboundrelay.mailets.smtp;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;

import java.util.concurrent.atomic.AtomicBoolean;

import javax.mail.Address;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.URLName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.mail.smtp.SMTPTransport;

/**
 * Jakarta Mail's SMTP transport with what pooling and our security rules need to know about a connection:
 * <ul>
 *     <li>Whether the MAIL command of the current transaction was accepted: before that, a dropped connection has
 *     delivered nothing and the mail can be sent again at once on a fresh connection.</li>
 *     <li>A guard that never lets an AUTH command (which carries the password, or starts the exchange that does) go
 *     out over an unencrypted connection unless {@link #ALLOW_CLEAR_TEXT_AUTH} is set. javax.mail 1.6.2 has no such
 *     switch: it authenticates in clear whenever the server offers AUTH.</li>
 *     <li>The SMTP dialogue at DEBUG (logger {@code io.github.outboundrelay.mailets.smtp.RelayTransport}): commands and
 *     replies, with every AUTH command and its continuation lines masked; the message content is never logged.</li>
 * </ul>
 */
class RelayTransport extends SMTPTransport {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayTransport.class);
    private static final int AUTH_CONTINUE = 334;

    /** Our own session property, set only for relays with security NONE that the domain policy admits. */
    static final String ALLOW_CLEAR_TEXT_AUTH = "mail.smtp.outboundrelay.cleartextauth.allow";

    private final boolean clearTextAuthAllowed;
    private volatile boolean tlsStarted;
    private volatile boolean mailFromAccepted;
    private volatile boolean clearTextAuthRefused;
    private volatile boolean startTlsNotOffered;
    private volatile boolean inAuthentication;
    private volatile boolean authCommandSent;

    private static final VarHandle SERVER_SOCKET = serverSocketHandle();

    private final Runnable afterClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    RelayTransport(Session session) {
        this(session, () -> { });
    }

    /** @param afterClose run once, after the first {@link #close} (the session may then serve another connection) */
    RelayTransport(Session session, Runnable afterClose) {
        super(session, new URLName("smtp", null, -1, null, null, null));
        this.clearTextAuthAllowed = Boolean.parseBoolean(session.getProperty(ALLOW_CLEAR_TEXT_AUTH));
        this.afterClose = afterClose;
    }

    @Override
    public synchronized void close() throws MessagingException {
        try {
            super.close();
        } finally {
            if (closed.compareAndSet(false, true)) {
                afterClose.run();
            }
        }
    }

    @Override
    protected void startTLS() throws MessagingException {
        super.startTLS();
        tlsStarted = true;
    }

    /** Records a STARTTLS that a relay must offer ({@code starttls.required}) and did not: javax.mail then gives up. */
    @Override
    public boolean supportsExtension(String extension) {
        boolean supported = super.supportsExtension(extension);
        if (!supported && "STARTTLS".equalsIgnoreCase(extension) && getRequireStartTLS()) {
            startTlsNotOffered = true;
        }
        return supported;
    }

    /**
     * Whether this connection failed for want of TLS: STARTTLS required and not offered, or AUTH refused because the
     * connection was not encrypted. (A failed handshake shows as an SSLException instead.)
     */
    boolean tlsMissing() {
        return startTlsNotOffered || clearTextAuthRefused;
    }

    boolean isEncrypted() {
        return isSSL() || tlsStarted;
    }

    @Override
    public synchronized int simpleCommand(String command) throws MessagingException {
        // Every AUTH mechanism of javax.mail 1.6.2 starts with simpleCommand("AUTH <mechanism> ..."), PLAIN with the
        // credentials on that very line: refusing here means nothing secret was written.
        if (command.regionMatches(true, 0, "AUTH ", 0, 5) && !isEncrypted() && !clearTextAuthAllowed) {
            clearTextAuthRefused = true;
            throw new MessagingException("Refusing to authenticate over an unencrypted connection");
        }
        return super.simpleCommand(command);
    }

    @Override
    protected void sendCommand(String command) throws MessagingException {
        if (command.regionMatches(true, 0, "AUTH", 0, 4)) {
            inAuthentication = true;
            authCommandSent = true;
        }
        if (LOGGER.isDebugEnabled()) {
            LOGGER.debug("relay SMTP C: {}", inAuthentication ? masked(command) : command);
        }
        super.sendCommand(command);
    }

    @Override
    protected int readServerResponse() throws MessagingException {
        int code = super.readServerResponse();
        if (LOGGER.isDebugEnabled()) {
            LOGGER.debug("relay SMTP S: {}", RelayDiagnostics.reply(getLastServerResponse()));
        }
        if (code != AUTH_CONTINUE) {
            inAuthentication = false;
        }
        return code;
    }

    /** {@code AUTH PLAIN ****}: the mechanism is worth knowing, whatever follows it is a credential. */
    private static String masked(String command) {
        if (!command.regionMatches(true, 0, "AUTH", 0, 4)) {
            return "****";
        }
        String[] words = command.split(" ", 3);
        return words.length > 2 ? words[0] + " " + words[1] + " ****" : command;
    }

    /**
     * Whether an AUTH command went out on this connection. javax.mail 1.6.2 connects without authenticating when the
     * server does not announce AUTH, even with {@code mail.smtp.auth}: after connect(), false means unauthenticated.
     */
    boolean authCommandSent() {
        return authCommandSent;
    }

    /** javax.mail reports our refusal as an AuthenticationFailedException; this tells it from a server's 535. */
    boolean clearTextAuthRefused() {
        return clearTextAuthRefused;
    }

    /** MAIL FROM of the next transactions: javax.mail reads {@code mail.smtp.from} of the session at each MAIL. */
    void useEnvelopeSender(String address) {
        session.getProperties().setProperty("mail.smtp.from", address);
    }

    @Override
    public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
        mailFromAccepted = false;
        super.sendMessage(message, addresses);
    }

    @Override
    protected void mailFrom() throws MessagingException {
        super.mailFrom();
        mailFromAccepted = true;
    }

    boolean mailFromAccepted() {
        return mailFromAccepted;
    }

    /**
     * Sends RSET and says whether the server answered 250: it both clears any transaction state and proves the
     * connection still works before a pooled session carries another mail. javax.mail itself sends RSET only after
     * some failed transactions, never between two successful ones.
     */
    boolean reset() {
        try {
            return simpleCommand("RSET") == 250;
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }

    /** QUIT when possible; a connection the server already dropped makes close() throw, which changes nothing here. */
    void closeQuietly() {
        try {
            close();
        } catch (MessagingException | RuntimeException e) {
            // the socket is closed either way
        }
    }

    /**
     * Cuts the connection now, from any thread ({@link AttemptDeadline}): the call blocked on it fails at once. The
     * transport's own {@code close()} cannot do it: it waits for the lock the blocked {@code sendMessage} holds, and
     * would send QUIT. javax.mail 1.6 keeps the socket private, hence the field handle, checked when this class loads.
     */
    void abort() {
        Socket socket = (Socket) SERVER_SOCKET.getVolatile(this);
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closed either way
            }
        }
    }

    private static VarHandle serverSocketHandle() {
        try {
            return MethodHandles.privateLookupIn(SMTPTransport.class, MethodHandles.lookup())
                .findVarHandle(SMTPTransport.class, "serverSocket", Socket.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("This javax.mail has no SMTPTransport.serverSocket: attemptTimeout "
                + "cannot be enforced (" + e + ")");
        }
    }

    /** The server's last reply code, e.g. 535 after refused credentials (-1 when it closed the connection). */
    int lastReplyCode() {
        return getLastReturnCode();
    }
}
