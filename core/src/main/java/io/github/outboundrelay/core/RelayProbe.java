package io.github.outboundrelay.core;

import java.util.Optional;

/**
 * What the admin API needs from the relay delivery, so that a relay is judged by exactly the rules (allowed targets,
 * TLS, trust store, timeouts) that will deliver its mail: check a relay target, try a relay (connect, TLS, AUTH, no
 * mail), and mail a verification code through it. Installed by the OutboundRelayDelivery mailet when it starts.
 */
public interface RelayProbe {
    /**
     * @throws RelayTargetGuard.RelayTargetRefusedException when the relay's port or address is not an allowed target
     */
    void checkTarget(RelayServer relay);

    /** Connect, TLS, AUTH, no mail: {@link RelayOutcome.Delivered} when the relay took us. */
    RelayOutcome probe(SendAsAddress sendAs, RelayLogin login);

    /**
     * Sends a mail holding the code to the address: by the normal path, or, where the delivery is configured so and
     * {@code relayLogin} is given (the address's relay may carry its mail), through that relay from the address.
     */
    RelayOutcome sendVerificationCode(SendAsAddress sendAs, Optional<RelayLogin> relayLogin, String code);
}
