package io.github.outboundrelay.core.settings;

import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsRegistry;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.oauth.OAuthProviders;

/**
 * Saving and removing the OAuth providers set by the admin, with what that means for the accounts connected through
 * them: when a provider's token endpoint moves, every grant of that provider is marked "reconnect needed" (stored, so
 * on every node) before the provider is saved, so that no refresh token issued by the old endpoint is ever sent to
 * the new one; its users connect their accounts again. Any change or removal of a provider drops this node's cached
 * tokens of its grants (other nodes' caches see the provider changed, see {@link AccessTokenCache}). Writes may throw
 * {@link io.github.outboundrelay.core.StoreUnavailableException}.
 */
public class OAuthProviderSettings {
    private final OAuthProviders providers;
    private final SendAsRegistry registry;
    private final AccessTokenCache tokens;

    @Inject
    public OAuthProviderSettings(OAuthProviders providers, SendAsRegistry registry, AccessTokenCache tokens) {
        this.providers = providers;
        this.registry = registry;
        this.tokens = tokens;
    }

    public Optional<OAuthProvider> find(String id) {
        return providers.find(id);
    }

    /** Every provider, by id. */
    public List<OAuthProvider> all() {
        return providers.all();
    }

    /** Adds the provider, or replaces the one with its id (see the class comment). */
    public void save(OAuthProvider provider) {
        // Marked first: should saving the provider fail, users reconnect for nothing, but no token goes astray.
        providers.find(provider.id()).filter(provider::tokenEndpointMovedFrom)
            .ifPresent(before -> markGrantsReconnectNeeded(provider.id()));
        providers.save(provider);
        forgetTokensOf(provider.id());
    }

    /** @return whether there was such a provider */
    public boolean remove(String id) {
        boolean removed = providers.remove(id);
        forgetTokensOf(id);
        return removed;
    }

    private void forgetTokensOf(String providerId) {
        tokens.forgetGrants(grant -> grant.provider().equals(providerId));
    }

    private void markGrantsReconnectNeeded(String providerId) {
        for (SendAsAddress sendAs : registry.all()) {
            if (sendAs.credential() instanceof RelayCredential.OAuth oauth && oauth.providerId().equals(providerId)) {
                registry.markReconnectNeeded(sendAs.key(), oauth.refreshToken(), true);
            }
        }
    }
}
