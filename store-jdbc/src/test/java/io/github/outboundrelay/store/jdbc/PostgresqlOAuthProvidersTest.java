package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.OAuthProvidersContract;

class PostgresqlOAuthProvidersTest implements OAuthProvidersContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.postgresql();

    @Override
    public OAuthProviders providers() {
        return stores.store().oauthProviders();
    }
}
