package io.github.outboundrelay.core.settings;

import java.util.Locale;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.verification.SendAsStatus;

/**
 * A send-as address as every API shows it: everything but the password, of which only its presence is told.
 * {@code status} is {@code pending} or {@code verified}; {@code displayName} is null when the user set none.
 */
public record SendAsView(String address, String host, int port, String security, String username, boolean passwordSet,
                         String status, String displayName) {
    public static SendAsView of(SendAsAddress sendAs, SendAsStatus status) {
        return new SendAsView(sendAs.address().asString(), sendAs.relay().host(), sendAs.relay().port(),
            sendAs.relay().security().name(), sendAs.relayUsername(), sendAs.relayPassword() != null,
            status.name().toLowerCase(Locale.ROOT), sendAs.displayName().orElse(null));
    }
}
