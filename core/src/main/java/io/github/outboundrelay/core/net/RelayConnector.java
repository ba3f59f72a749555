package io.github.outboundrelay.core.net;

import java.util.Optional;

import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayOutcome;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;

/**
 * How the settings reach relays, by exactly the rules ({@link RelayConnectionRules}: allowed targets, TLS, trust
 * store, timeouts) that deliver their mail: check a relay target, try a relay (connect, TLS, AUTH, no mail), and mail
 * a verification code. One service, bound by the mailets' {@code RelayConnectorModule} (extensions.properties) and
 * shared with the delivery mailet.
 */
public interface RelayConnector {
    /**
     * @throws RelayTargetGuard.RelayTargetRefusedException when the relay's port or address is not an allowed target
     */
    void checkTarget(RelayServer relay);

    /** Connect, TLS, AUTH, no mail: {@link RelayOutcome.Delivered} when the relay took us. */
    RelayOutcome probe(SendAsAddress sendAs, RelayLogin login);

    /**
     * Whether a code mail may go through the address's own relay ({@code relay.verificationMail=relay}): only then is
     * its credential opened to send one.
     */
    boolean mailsCodesThroughRelays();

    /**
     * Sends a mail holding the code to the address: by the normal path, or, where {@link #mailsCodesThroughRelays()}
     * and {@code relayLogin} is given (the address's relay may carry its mail), through that relay from the address.
     */
    RelayOutcome sendVerificationCode(SendAsAddress sendAs, Optional<RelayLogin> relayLogin, String code);
}
