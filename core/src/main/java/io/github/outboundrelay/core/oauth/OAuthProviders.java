package io.github.outboundrelay.core.oauth;

import java.util.List;
import java.util.Optional;

/**
 * The OAuth providers set by the admin, by id. Reads come from memory; writes may throw
 * {@link io.github.outboundrelay.core.StoreUnavailableException} (nothing changed) when a persistent store cannot be
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
