package io.github.outboundrelay.core.store.memory;

import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.OAuthProvidersContract;

class InMemoryOAuthProvidersTest implements OAuthProvidersContract {
    private final InMemoryOAuthProviders providers = new InMemoryOAuthProviders();

    @Override
    public OAuthProviders providers() {
        return providers;
    }
}
