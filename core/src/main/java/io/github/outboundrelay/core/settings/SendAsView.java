package io.github.outboundrelay.core.settings;

import java.util.Locale;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.verification.SendAsStatus;

/**
 * A send-as address as every API shows it: everything but the secret, of which only its kind is told.
 * {@code status} is {@code pending} or {@code verified}; {@code credential} is {@code password} or {@code oauth};
 * {@code provider} names the OAuth provider (null for a password); {@code reconnectNeeded} is true when the provider
 * refused the OAuth grant (revoked, expired, password changed): the account must be connected again;
 * {@code displayName} is null when the user set none.
 */
public record SendAsView(String address, String host, int port, String security, String username, boolean passwordSet,
                         String status, String credential, String provider, boolean reconnectNeeded,
                         String displayName) {
    public static SendAsView of(SendAsAddress sendAs, SendAsStatus status) {
        return of(sendAs, status, false);
    }

    public static SendAsView of(SendAsAddress sendAs, SendAsStatus status, boolean reconnectNeeded) {
        RelayCredential credential = sendAs.credential();
        return new SendAsView(sendAs.address().asString(), sendAs.relay().host(), sendAs.relay().port(),
            sendAs.relay().security().name(), sendAs.relayUsername(), credential instanceof RelayCredential.Password,
            status.name().toLowerCase(Locale.ROOT), credential.kind(),
            credential instanceof RelayCredential.OAuth oauth ? oauth.providerId() : null, reconnectNeeded,
            sendAs.displayName().orElse(null));
    }
}
