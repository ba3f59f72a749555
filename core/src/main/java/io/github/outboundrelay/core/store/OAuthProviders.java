package io.github.outboundrelay.core.store;

import java.util.List;
import java.util.Optional;

import io.github.outboundrelay.core.oauth.OAuthProvider;

/**
 * The OAuth providers set by the admin, by id. Reads come from memory; writes may throw
 * {@link io.github.outboundrelay.core.store.StoreUnavailableException} (nothing changed) when a persistent store cannot be
 * reached.
 */
public interface OAuthProviders {
    Optional<OAuthProvider> find(String id);

    /** Every provider, by id. */
    List<OAuthProvider> all();

    /** Adds the provider, or replaces the one with its id. */
    void save(OAuthProvider provider);

    /** @return whether there was such a provider */
    boolean remove(String id);
}
