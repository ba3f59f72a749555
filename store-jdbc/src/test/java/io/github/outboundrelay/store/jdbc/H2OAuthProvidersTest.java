package io.github.outboundrelay.store.jdbc;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.OAuthProvidersContract;

class H2OAuthProvidersTest implements OAuthProvidersContract {
    @RegisterExtension
    final OpenStore stores = OpenStore.h2();

    @Override
    public OAuthProviders providers() {
        return stores.store().oauthProviders();
    }
}
