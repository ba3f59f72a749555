package io.github.outboundrelay.core;

import javax.inject.Inject;

import io.github.outboundrelay.core.oauth.SendAsOAuthGrant;
import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.SendAsRegistry;

/**
 * The {@link RelayLogin} of a send-as address, for the delivery and the settings' relay checks alike: its password
 * opened, or its OAuth grant (the refresh token is opened only when a refresh is due).
 */
public class RelayLogins {
    private final SecretSealer sealer;
    private final SendAsRegistry registry;
    private final OAuthProviders providers;

    @Inject
    public RelayLogins(SecretSealer sealer, SendAsRegistry registry, OAuthProviders providers) {
        this.sealer = sealer;
        this.registry = registry;
        this.providers = providers;
    }

    /**
     * @throws UnusableCredentialException when the password does not open (key file lost, data damaged) or the
     *                                     address's OAuth provider was removed: only the user or admin can fix it
     */
    public RelayLogin loginFor(SendAsAddress sendAs) {
        RelayCredential credential = sendAs.requireRelayAccount().credential();
        if (credential instanceof RelayCredential.OAuth oauth) {
            return providers.find(oauth.providerId())
                .<RelayLogin>map(provider -> new RelayLogin.WithOAuth(new SendAsOAuthGrant(sendAs, provider, registry, sealer)))
                .orElseThrow(() -> new UnusableCredentialException("provider", "The OAuth provider '" + oauth.providerId()
                    + "' of " + sendAs.address().asString() + " no longer exists: the admin must set it up again, or the "
                    + "account be connected with another provider"));
        }
        try {
            return new RelayLogin.WithPassword(sealer.open(credential.secret(), credential.sealingContext(sendAs)));
        } catch (RuntimeException e) {
            throw new UnusableCredentialException("password", "The stored relay password of " + sendAs.address().asString()
                + " cannot be opened on this server (its sealing key " + credential.secret().keyId()
                + " is missing or it was damaged): enter it again");
        }
    }

    /** A stored credential that cannot be used as it is; {@link #field()} is what the user must give again. */
    public static class UnusableCredentialException extends RuntimeException {
        private final String field;

        public UnusableCredentialException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
