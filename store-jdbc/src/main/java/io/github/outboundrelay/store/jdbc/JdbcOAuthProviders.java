package io.github.outboundrelay.store.jdbc;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.StoreUnavailableException;

/**
 * The OAuth providers of a {@link JdbcOutboundRelayStore}: reads from its in-memory view, writes through to the
 * database ({@link StoreUnavailableException} when it cannot be reached; nothing changed).
 */
public final class JdbcOAuthProviders implements OAuthProviders {
    private final JdbcStoreEngine engine;
    private final OAuthProviderTable providers;

    JdbcOAuthProviders(JdbcStoreEngine engine, OAuthProviderTable providers) {
        this.engine = engine;
        this.providers = providers;
    }

    @Override
    public Optional<OAuthProvider> find(String id) {
        return providers.find(id);
    }

    @Override
    public List<OAuthProvider> all() {
        return providers.all().stream().sorted(Comparator.comparing(OAuthProvider::id)).toList();
    }

    @Override
    public void save(OAuthProvider provider) {
        engine.write("save an OAuth provider", transaction -> {
            providers.save(transaction.connection(), provider, transaction.recordChange(providers, provider.id()));
            return null;
        }, () -> providers.show(provider.id(), provider));
    }

    @Override
    public boolean remove(String id) {
        return engine.write("remove an OAuth provider", transaction -> {
            if (!providers.delete(transaction.connection(), id)) {
                return false;
            }
            transaction.recordChange(providers, id);
            return true;
        }, () -> providers.hide(id));
    }
}
