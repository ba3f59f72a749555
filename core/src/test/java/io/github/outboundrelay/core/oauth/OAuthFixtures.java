package io.github.outboundrelay.core.oauth;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.RelayCredential;
import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayLogins;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.secrets.AesGcmSecretSealer;
import io.github.outboundrelay.core.store.OAuthProviders;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.testing.OAuthTestServer;

/**
 * A provider pointing at a running {@link OAuthTestServer}, its sealed client secret, and a grant kept in memory (also
 * used by the mailets' tests, through this module's test jar).
 */
public final class OAuthFixtures {
    static final String CLIENT_SECRET = "client-secret-7b1d9f";
    public static final URI REDIRECT = URI.create("https://mail.ourdomain.test/outbound-relay/oauth/callback");
    public static final AesGcmSecretSealer SEALER = new AesGcmSecretSealer(
        Map.of("k1", new SecretKeySpec(Base64.getDecoder().decode("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), "AES")), "k1");

    private OAuthFixtures() {
    }

    /** mock-oauth2-server is an OpenID Connect server: its authorization endpoint wants the {@code openid} scope. */
    public static OAuthProvider provider(OAuthTestServer server) {
        OAuthProvider provider = new OAuthProvider("partner", server.authorizationEndpoint(), server.tokenEndpoint(),
            Optional.empty(), "outbound-relay", Optional.empty(), List.of("openid", "smtp", "offline_access"), Map.of(),
            new RelayServer("localhost", 587, RelaySecurity.STARTTLS));
        return provider.withClientSecret(Optional.of(SEALER.seal(CLIENT_SECRET, provider.secretContext())));
    }

    public static OAuthTokenClient client(Clock clock) {
        return new OAuthTokenClient(SEALER, OAuthEndpointPolicy.forTests(), Duration.ofSeconds(30), clock);
    }

    /** The code flow as the self-service page will run it: returns the grant obtained for the signed-in account. */
    public static TokenGrant connect(OAuthTestServer server, OAuthTokenClient client, OAuthProvider provider) throws OAuthException {
        OAuthState state = OAuthState.create();
        Pkce pkce = Pkce.create();
        URI callback = server.authorize(client.authorizationRequest(provider, REDIRECT, state, pkce, Optional.empty()));
        if (!state.matches(OAuthTestServer.queryParameter(callback, "state"))) {
            throw new AssertionError("state did not come back");
        }
        return client.exchangeCode(provider, OAuthTestServer.queryParameter(callback, "code"), REDIRECT, pkce);
    }

    /**
     * A send-as address of {@code owner} connected through {@code provider} with whoever is signed in at the server
     * now (a code flow run here), its refresh token sealed as the settings seal it; the account is the address.
     */
    public static SendAsAddress connectedAddress(OAuthTestServer server, OAuthProvider provider, Username owner, MailAddress address)
            throws OAuthException {
        String refreshToken = connect(server, client(Clock.systemUTC()), provider).refreshToken().orElseThrow();
        String account = address.asString();
        return new SendAsAddress(address, owner, provider.relay(), account, new RelayCredential.OAuth(provider.id(),
            SEALER.seal(refreshToken, RelayCredential.OAuth.contextFor(owner, SendAsKey.of(address), provider.id(), account))));
    }

    /** The grant a delivery uses for the address as the registry has it now. */
    public static OAuthGrant grantOf(SendAsRegistry registry, OAuthProviders providers, MailAddress address) {
        RelayLogin login = new RelayLogins(SEALER, registry, providers).loginFor(registry.find(address).orElseThrow());
        return ((RelayLogin.WithOAuth) login).grant();
    }

    /** The same test server under another name of loopback: another host as far as a provider's settings go. */
    public static URI onAnotherHost(URI endpoint) {
        String otherHost = endpoint.getHost().equals("localhost") ? "127.0.0.1" : "localhost";
        return URI.create(endpoint.toString().replace("//" + endpoint.getHost() + ":", "//" + otherHost + ":"));
    }

    /** The provider with another token endpoint, everything else the same. */
    public static OAuthProvider withTokenEndpoint(OAuthProvider provider, String id, URI tokenEndpoint) {
        return new OAuthProvider(id, provider.authorizationEndpoint(), tokenEndpoint, provider.deviceAuthorizationEndpoint(),
            provider.clientId(), provider.clientSecret(), provider.scopes(), provider.authorizationParameters(), provider.relay());
    }

    /** A connected account whose refresh token lives in memory; rotations are recorded. */
    public static final class MemoryGrant implements OAuthGrant {
        final AtomicReference<String> refreshToken;
        final List<String> rotations = new CopyOnWriteArrayList<>();
        private final OAuthProvider provider;
        private final GrantKey key;

        /** @param account the account at the provider, also the address it is the grant of */
        public MemoryGrant(String account, OAuthProvider provider, String refreshToken) {
            this.key = new GrantKey(Username.of("owner@ourdomain.test"), account, provider.id(), account, "memory");
            this.provider = provider;
            this.refreshToken = new AtomicReference<>(refreshToken);
        }

        @Override
        public GrantKey key() {
            return key;
        }

        @Override
        public OAuthProvider provider() {
            return provider;
        }

        @Override
        public String refreshToken() {
            return refreshToken.get();
        }

        @Override
        public void refreshTokenRotated(String newRefreshToken) {
            rotations.add(newRefreshToken);
            refreshToken.set(newRefreshToken);
        }
    }
}
