package io.github.outboundrelay.mailets.smtp;

import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.mailet.MailetContext;

import com.github.mustachejava.Mustache;
import com.sun.mail.smtp.SMTPMessage;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayOutcome;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.RelayConnectionRules;
import io.github.outboundrelay.core.net.RelayConnector;
import io.github.outboundrelay.core.net.RelayTargetGuard;
import io.github.outboundrelay.mailets.delivery.MailTemplates;

/**
 * The settings' way to try a relay, with exactly the rules of the delivery (target guard, TLS modes, trust store,
 * timeouts), and to mail a verification code: by default by the normal path to the address's mailbox
 * ({@link RelayConnectionRules.VerificationMail#MAILBOX}), or through the relay where the admin opts in. Part of the
 * {@link SmtpRelayConnector}. Sessions opened here are never pooled.
 */
class RelayVerificationMailer implements RelayConnector {
    private static final Mustache CODE_MAIL = MailTemplates.compile("verification-code.mustache");

    /** What the code mail says: who asked, for which address, through which relay, and how to confirm. */
    record CodeMail(String owner, String address, String relay, String code, String ownerDomain) {
    }

    private final RelaySessions sessions;
    private final RelayTargetGuard targets;
    private final MailetContext mailetContext;
    private final RelayConnectionRules.VerificationMail route;
    private final PasswordFingerprints fingerprints = new PasswordFingerprints();

    RelayVerificationMailer(RelaySessions sessions, RelayTargetGuard targets, MailetContext mailetContext,
                            RelayConnectionRules.VerificationMail route) {
        this.sessions = sessions;
        this.targets = targets;
        this.mailetContext = mailetContext;
        this.route = route;
    }

    @Override
    public void checkTarget(RelayServer relay) {
        try {
            targets.vet(relay);
        } catch (UnknownHostException e) {
            // Not a refusal: whether it resolves is the probe's question (it may, by the time mail is sent).
        }
    }

    @Override
    public RelayOutcome probe(SendAsAddress sendAs, RelayLogin login) {
        try {
            open(sendAs, login).transport().closeQuietly();
            return new RelayOutcome.Delivered();
        } catch (RelayConnectException e) {
            return e.outcome();
        }
    }

    @Override
    public boolean mailsCodesThroughRelays() {
        return route == RelayConnectionRules.VerificationMail.RELAY;
    }

    @Override
    public RelayOutcome sendVerificationCode(SendAsAddress sendAs, Optional<RelayLogin> relayLogin, String code) {
        return mailsCodesThroughRelays() && relayLogin.isPresent()
            ? throughRelay(sendAs, relayLogin.get(), code)
            : toMailbox(sendAs, code);
    }

    /** Like any mail James sends: spool, transport, then the normal path (the gateway); bounces go to the postmaster. */
    private RelayOutcome toMailbox(SendAsAddress sendAs, String code) {
        try {
            MailAddress postmaster = mailetContext.getPostmaster();
            SMTPMessage message = confirmation(sendAs, code, postmaster.asString());
            mailetContext.sendMail(postmaster, List.of(sendAs.address()), message);
            return new RelayOutcome.Delivered();
        } catch (MessagingException e) {
            return RelayOutcomes.refused("The verification mail to " + sendAs.address().asString()
                + " could not be queued: " + RelayDiagnostics.describe(e));
        }
    }

    private RelayOutcome throughRelay(SendAsAddress sendAs, RelayLogin login, String code) {
        RelaySession session;
        try {
            session = open(sendAs, login);
        } catch (RelayConnectException e) {
            return e.outcome();
        }
        try {
            String address = sendAs.address().asString();
            SMTPMessage message = confirmation(sendAs, code, address);
            message.setEnvelopeFrom(address);
            session.transport().sendMessage(message, message.getAllRecipients());
            return new RelayOutcome.Delivered();
        } catch (MessagingException e) {
            return RelayOutcomes.refused("Relay " + sendAs.requireRelayAccount().server().host()
                + " did not take the verification mail: " + RelayDiagnostics.describe(e));
        } finally {
            session.transport().closeQuietly();
        }
    }

    private RelaySession open(SendAsAddress sendAs, RelayLogin login) throws RelayConnectException {
        return sessions.open(RelaySessionKey.of(sendAs, login, fingerprints), sendAs, login);
    }

    /** To the address, holding the code: receiving it proves control of that mailbox. */
    private static SMTPMessage confirmation(SendAsAddress sendAs, String code, String from) throws MessagingException {
        String address = sendAs.address().asString();
        SMTPMessage message = new SMTPMessage((Session) null);
        message.setFrom(new InternetAddress(from));
        message.setRecipient(javax.mail.Message.RecipientType.TO, new InternetAddress(address));
        String ownerDomain = sendAs.owner().getDomainPart().map(Domain::asString).orElse("your domain");
        message.setSubject(Printable.oneLine("Confirm sending mail as " + address), "UTF-8");
        message.setText(MailTemplates.render(CODE_MAIL, new CodeMail(sendAs.owner().asString(), address,
            sendAs.relayAccount().map(account -> account.server().host()).orElse("the mail servers of " + ownerDomain),
            code, ownerDomain)), "UTF-8");
        message.saveChanges();
        return message;
    }
}
