package io.github.outboundrelay.core.settings;

import java.util.Locale;
import java.util.Optional;

import io.github.outboundrelay.core.RelayAccount;
import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsDecision;
import io.github.outboundrelay.core.dmarc.DmarcPolicy;
import io.github.outboundrelay.core.verification.SendAsStatus;

/**
 * A send-as address as every API shows it: everything but the secret, of which only its kind is told.
 * {@code host}, {@code port}, {@code security}, {@code username} and {@code credential} are null for an address
 * without relay; {@code status} is {@code pending} or {@code verified}; {@code credential} is {@code password} or
 * {@code oauth}; {@code provider} names the OAuth provider (null for a password); {@code reconnectNeeded} is true when
 * the provider refused the OAuth grant (revoked, expired, password changed): the account must be connected again;
 * {@code displayName} is null when the user set none; {@code path} is which way its mail goes now ({@code relay},
 * {@code ourServers} or {@code none}) and {@code pathReason} why ({@link SendAsDecision.Reason#apiName()});
 * {@code dmarcPolicy} is what the address's domain asks of mail not sent by its own servers ({@code reject},
 * {@code quarantine}, {@code none}, {@code noRecord}, {@code unknown}: {@link DmarcPolicy#apiName()}), null when our
 * servers do not send its mail or its owner's domain has the check off, and {@code dmarcWarning} says what that means
 * when it matters (null otherwise).
 */
public record SendAsView(String address, String host, Integer port, String security, String username,
                         boolean passwordSet, String status, String credential, String provider,
                         boolean reconnectNeeded, String displayName, String path, String pathReason,
                         String dmarcPolicy, String dmarcWarning) {
    public static SendAsView of(SendAsAddress sendAs, SendAsStatus status, SendAsDecision decision) {
        return of(sendAs, status, false, decision);
    }

    public static SendAsView of(SendAsAddress sendAs, SendAsStatus status, boolean reconnectNeeded, SendAsDecision decision) {
        Optional<RelayAccount> relay = sendAs.relayAccount();
        Optional<RelayCredential> credential = relay.map(RelayAccount::credential);
        return new SendAsView(sendAs.address().asString(),
            relay.map(account -> account.server().host()).orElse(null),
            relay.map(account -> account.server().port()).orElse(null),
            relay.map(account -> account.server().security().name()).orElse(null),
            relay.map(RelayAccount::username).orElse(null),
            credential.filter(RelayCredential.Password.class::isInstance).isPresent(),
            status.name().toLowerCase(Locale.ROOT),
            credential.map(RelayCredential::kind).orElse(null),
            credential.filter(RelayCredential.OAuth.class::isInstance).map(oauth -> ((RelayCredential.OAuth) oauth).providerId())
                .orElse(null),
            reconnectNeeded,
            sendAs.displayName().orElse(null),
            decision.path(),
            decision.reason().apiName(),
            null, null);
    }

    /** The same view with the DMARC check's status of the address (none: both fields null). */
    public SendAsView withDmarc(Optional<DmarcCheck.Status> dmarc) {
        return new SendAsView(address, host, port, security, username, passwordSet, status, credential, provider,
            reconnectNeeded, displayName, path, pathReason, dmarc.map(check -> check.policy().apiName()).orElse(null),
            dmarc.flatMap(DmarcCheck.Status::warning).orElse(null));
    }
}
