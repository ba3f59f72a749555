package io.github.outboundrelay.mailets.smtp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Properties;

import javax.mail.AuthenticationFailedException;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.net.ssl.SSLSocketFactory;

import io.github.outboundrelay.core.RelayAccount;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.RelayConnectionRules;
import io.github.outboundrelay.core.net.RelayTargetGuard;

/**
 * Opens one authenticated session to a send-as relay with its TLS mode: certificate and host name verified, STARTTLS
 * never skipped, and AUTH in clear only for a {@link RelaySecurity#NONE} relay (which the worker sends here only when
 * the owner's domain policy admits it).
 */
class RelaySessionFactory {
    /** 535: credentials refused; 534: the provider wants another kind of password (Gmail's app passwords). */
    private static final int CREDENTIALS_REFUSED = 535;
    private static final int STRONGER_CREDENTIALS_NEEDED = 534;

    private final RelayConnectionRules rules;
    private final RelayTargetGuard targets;
    private final SSLSocketFactory tlsSocketFactory;
    private final RelayMailSessions mailSessions = new RelayMailSessions();

    RelaySessionFactory(RelayConnectionRules rules, RelayTargetGuard targets) {
        this.rules = rules;
        this.targets = targets;
        this.tlsSocketFactory = RelayTrust.socketFactory(rules.trustStore());
    }

    RelayConnectionRules rules() {
        return rules;
    }

    RelaySession open(RelaySessionKey key, SendAsAddress sendAs, String password) throws RelayConnectException {
        RelayAccount account = sendAs.requireRelayAccount();
        String host = account.server().host();
        InetAddress checked = checkedAddress(account.server());
        RelaySecurity security = account.server().security();
        RelayTransport transport = mailSessions.newTransport(security, host, () -> properties(security, host));
        AttemptDeadline.watchCurrent(transport);
        try {
            // The checked address, not the name: a second lookup could answer differently (DNS rebinding).
            transport.connect(checked.getHostAddress(), account.server().port(), account.username(), password);
            if (!transport.authCommandSent()) {
                transport.closeQuietly();
                throw authNotOffered(host);
            }
            return new RelaySession(key, transport);
        } catch (AuthenticationFailedException e) {
            transport.closeQuietly();
            if (transport.clearTextAuthRefused()) {
                throw new RelayConnectException(RelayOutcomes.connectFailure(e, transport, "Relay " + host
                    + " was not asked to authenticate: the connection was not encrypted"));
            }
            if (!transport.authCommandSent()) {
                // AUTH announced, but with no mechanism javax.mail can use: nothing was sent.
                throw authNotOffered(host);
            }
            int code = transport.lastReplyCode();
            if (code == CREDENTIALS_REFUSED || code == STRONGER_CREDENTIALS_NEEDED) {
                throw new RelayConnectException(RelayOutcomes.authRejected("Relay " + host
                    + " rejected the credentials of " + sendAs.address().asString() + ": " + describe(e, checked, host)));
            }
            throw new RelayConnectException(RelayOutcomes.connectFailure(e, transport, "Relay " + host
                + " could not authenticate " + sendAs.address().asString() + ": " + describe(e, checked, host)));
        } catch (MessagingException | RuntimeException e) {
            transport.closeQuietly();
            throw new RelayConnectException(RelayOutcomes.connectFailure(e, transport, "Relay " + host
                + " could not be used: " + describe(e, checked, host)));
        }
    }

    /**
     * javax.mail names the address it connected to ("Couldn't connect to host, port: 10.20.30.40, 587"): the relay's
     * name stands in for it, so that a DSN or an admin answer never maps an internal network the admin allowed.
     */
    private static String describe(Exception e, InetAddress checked, String host) {
        return RelayDiagnostics.describe(e).replace(checked.getHostAddress(), host);
    }

    RelayMailSessions mailSessions() {
        return mailSessions;
    }

    /** The relay's address as the target guard checked it: connections go there, never to a second lookup. */
    InetAddress checkedAddress(RelayServer relay) throws RelayConnectException {
        try {
            return targets.vet(relay);
        } catch (RelayTargetGuard.RelayTargetRefusedException e) {
            throw new RelayConnectException(RelayOutcomes.notAllowedTarget("Relay " + relay.host()
                + " is not an allowed relay target: " + e.getMessage()));
        } catch (UnknownHostException e) {
            throw new RelayConnectException(RelayOutcomes.unreachable("Relay " + relay.host() + " does not resolve"));
        }
    }

    private static RelayConnectException authNotOffered(String host) {
        return new RelayConnectException(RelayOutcomes.authNotOffered("Relay " + host
            + " did not offer SMTP AUTH with a mechanism we can use (AUTH not offered): nothing is sent unauthenticated"));
    }

    /**
     * The properties of a Session for one connection at a time (recycled by {@link RelayMailSessions}):
     * {@code mail.smtp.from} is not set here, because one session carries mail of several send-as addresses of one
     * account; RelayTransport sets it before each mail.
     */
    Properties properties(RelaySecurity security, String hostName) {
        Properties properties = new Properties();
        properties.put("mail.smtp.auth", "true");
        // Accepted recipients still get the mail when others are refused; the refused ones are reported.
        properties.put("mail.smtp.sendpartial", "true");
        properties.put("mail.smtp.connectiontimeout", String.valueOf(rules.connectionTimeout().toMillis()));
        properties.put("mail.smtp.timeout", String.valueOf(rules.commandTimeout().toMillis()));
        properties.put("mail.smtp.writetimeout", String.valueOf(rules.dataTimeout().toMillis()));
        // Wait for the reply to QUIT (javax.mail's default): the connection slot is freed only once the relay is done.
        properties.put("mail.smtp.quitwait", "true");
        switch (security) {
            case SMTPS -> properties.put("mail.smtp.ssl.enable", "true");
            case STARTTLS -> {
                properties.put("mail.smtp.starttls.enable", "true");
                properties.put("mail.smtp.starttls.required", "true");
            }
            case NONE -> {
                properties.put("mail.smtp.starttls.enable", "false");
                properties.put(RelayTransport.ALLOW_CLEAR_TEXT_AUTH, "true");
            }
        }
        // Never let javax.mail retry a failed socket factory with one of its own (it would connect by name).
        properties.put("mail.smtp.socketFactory.fallback", "false");
        if (security.isEncrypted()) {
            // The certificate is checked against the relay's name during the handshake (the connection itself goes
            // to the checked address), so javax.mail's own check, which would compare with that address, stays off.
            properties.put("mail.smtp.ssl.socketFactory", new PinnedTlsSocketFactory(tlsSocketFactory, hostName));
        }
        return properties;
    }
}
