package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.oauth.OAuthProviders;
import io.github.outboundrelay.core.oauth.OAuthProvidersContract;

class PostgresqlOAuthProvidersTest implements OAuthProvidersContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.postgresql();

    @Override
    public OAuthProviders providers() {
        return stores.store().oauthProviders();
    }
}
