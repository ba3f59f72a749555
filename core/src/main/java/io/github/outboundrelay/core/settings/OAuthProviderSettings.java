package io.github.outboundrelay.core.settings;

import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.oauth.AccessTokenCache;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.SendAsRegistry;

/**
 * Saving and removing the OAuth providers set by the admin, with what that means for the accounts connected through
 * them: when a provider's token endpoint moves, every grant of that provider is marked "reconnect needed" (stored, so
 * on every node) before the provider is saved, so that no refresh token issued by the old endpoint is ever sent to
 * the new one; its users connect their accounts again. Any change or removal of a provider drops this node's cached
 * tokens of its grants (other nodes' caches see the provider changed, see {@link AccessTokenCache}). Each change is
 * recorded in the audit trail. Writes may throw {@link io.github.outboundrelay.core.store.StoreUnavailableException}.
 */
public class OAuthProviderSettings {
    private final OAuthProviders providers;
    private final SendAsRegistry registry;
    private final AccessTokenCache tokens;
    private final SettingsEvents events;

    @Inject
    public OAuthProviderSettings(OAuthProviders providers, SendAsRegistry registry, AccessTokenCache tokens,
                                 SettingsEvents events) {
        this.providers = providers;
        this.registry = registry;
        this.tokens = tokens;
        this.events = events;
    }

    public Optional<OAuthProvider> find(String id) {
        return providers.find(id);
    }

    /** Every provider, by id. */
    public List<OAuthProvider> all() {
        return providers.all();
    }

    /** Adds the provider, or replaces the one with its id (see the class comment), as an unnamed admin (WebAdmin). */
    public void save(OAuthProvider provider) {
        save(Actor.ADMIN, provider);
    }

    public void save(Actor actor, OAuthProvider provider) {
        Optional<OAuthProvider> before = providers.find(provider.id());
        // Marked first: should saving the provider fail, users reconnect for nothing, but no token goes astray.
        before.filter(provider::tokenEndpointMovedFrom).ifPresent(moved -> markGrantsReconnectNeeded(provider.id()));
        providers.save(provider);
        forgetTokensOf(provider.id());
        events.providerSaved(actor, before, provider);
    }

    /** @return whether there was such a provider */
    public boolean remove(String id) {
        return remove(Actor.ADMIN, id);
    }

    public boolean remove(Actor actor, String id) {
        boolean removed = providers.remove(id);
        forgetTokensOf(id);
        if (removed) {
            events.providerRemoved(actor, id);
        }
        return removed;
    }

    private void forgetTokensOf(String providerId) {
        tokens.forgetGrants(grant -> grant.provider().equals(providerId));
    }

    private void markGrantsReconnectNeeded(String providerId) {
        for (SendAsAddress sendAs : registry.all()) {
            sendAs.oauthCredential().filter(oauth -> oauth.providerId().equals(providerId))
                .ifPresent(oauth -> registry.markReconnectNeeded(sendAs.key(), oauth.refreshToken(), true));
        }
    }
}
