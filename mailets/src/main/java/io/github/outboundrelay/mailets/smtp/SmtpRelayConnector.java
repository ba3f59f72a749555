package io.github.outboundrelay.mailets.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.mailet.MailetContext;

import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayOutcome;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.RelayConnectionRules;
import io.github.outboundrelay.core.net.RelayConnector;
import io.github.outboundrelay.core.net.RelayTargetGuard;
import io.github.outboundrelay.core.oauth.AccessTokenCache;

/**
 * The one way James connects to send-as relays, built once from the connection rules of
 * {@code outbound-relay.properties} ({@link RelayConnectorModule}): the target guard, the password and OAuth session
 * factories (TLS, trust store, timeouts) and the code mail. The delivery mailet opens its sessions here; the settings
 * (admin API, users' page) test relays and mail codes here, so a relay passes the test by the rules that deliver.
 */
public class SmtpRelayConnector implements RelayConnector {
    private final RelayConnectionRules rules;
    private final RelaySessions sessions;
    private final RelayVerificationMailer mailer;

    @Inject
    public SmtpRelayConnector(RelayConnectionRules rules, DNSService dns, AccessTokenCache tokens, MailetContext mailetContext) {
        this(rules, new RelayTargetGuard(dns, rules.allowedPorts(), rules.allowedHosts(), rules.allowedNetworks()), tokens,
            mailetContext);
    }

    SmtpRelayConnector(RelayConnectionRules rules, RelayTargetGuard targets, AccessTokenCache tokens,
                       MailetContext mailetContext) {
        this.rules = rules;
        RelaySessionFactory passwordSessions = new RelaySessionFactory(rules, targets);
        this.sessions = new RelaySessions(passwordSessions, new OAuthRelaySessionFactory(passwordSessions, tokens));
        this.mailer = new RelayVerificationMailer(sessions, targets, mailetContext, rules.verificationMail());
    }

    public RelayConnectionRules rules() {
        return rules;
    }

    /** Where the delivery's pooled sessions are opened. */
    public RelaySessions sessions() {
        return sessions;
    }

    @Override
    public void checkTarget(RelayServer relay) {
        mailer.checkTarget(relay);
    }

    @Override
    public RelayOutcome probe(SendAsAddress sendAs, RelayLogin login) {
        return mailer.probe(sendAs, login);
    }

    @Override
    public boolean mailsCodesThroughRelays() {
        return mailer.mailsCodesThroughRelays();
    }

    @Override
    public RelayOutcome sendVerificationCode(SendAsAddress sendAs, Optional<RelayLogin> relayLogin, String code) {
        return mailer.sendVerificationCode(sendAs, relayLogin, code);
    }
}
