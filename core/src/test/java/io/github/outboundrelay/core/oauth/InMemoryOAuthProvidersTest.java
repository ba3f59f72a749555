package io.github.outboundrelay.core.oauth;

class InMemoryOAuthProvidersTest implements OAuthProvidersContract {
    private final InMemoryOAuthProviders providers = new InMemoryOAuthProviders();

    @Override
    public OAuthProviders providers() {
        return providers;
    }
}
