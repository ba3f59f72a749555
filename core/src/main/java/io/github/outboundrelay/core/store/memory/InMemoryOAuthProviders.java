package io.github.outboundrelay.core.store.memory;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.store.OAuthProviders;

/** OAuth providers in memory only: a restart forgets them (the JDBC store keeps them). */
public class InMemoryOAuthProviders implements OAuthProviders {
    private final ConcurrentHashMap<String, OAuthProvider> providers = new ConcurrentHashMap<>();

    @Override
    public Optional<OAuthProvider> find(String id) {
        return Optional.ofNullable(providers.get(id));
    }

    @Override
    public List<OAuthProvider> all() {
        return providers.values().stream().sorted(Comparator.comparing(OAuthProvider::id)).toList();
    }

    @Override
    public void save(OAuthProvider provider) {
        providers.put(provider.id(), provider);
    }

    @Override
    public boolean remove(String id) {
        return providers.remove(id) != null;
    }
}
