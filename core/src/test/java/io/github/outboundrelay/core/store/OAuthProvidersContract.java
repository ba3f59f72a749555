package io.github.outboundrelay.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.oauth.OAuthPresets;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.secrets.SealedSecret;

/** What every store of OAuth providers does; each store runs it (published in core's test-jar). */
public interface OAuthProvidersContract {
    OAuthProviders providers();

    static OAuthProvider custom(String id, Optional<SealedSecret> secret) {
        return new OAuthProvider(id, URI.create("https://login.partner.test/authorize"), URI.create("https://login.partner.test/token"),
            Optional.of(URI.create("https://login.partner.test/device")), "client-" + id, secret, List.of("smtp", "offline_access"),
            Map.of("prompt", "consent"), new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS));
    }

    @Test
    default void savedProviderIsFoundWithEveryField() {
        OAuthProvider google = OAuthPresets.google("google", "client.apps.googleusercontent.com",
            Optional.of(new SealedSecret("k1", "c2VhbGVkLWNsaWVudC1zZWNyZXQ=")));
        providers().save(google);
        assertThat(providers().find("google")).contains(google);
    }

    @Test
    default void providerWithoutSecretOrDeviceEndpointRoundTrips() {
        OAuthProvider plain = new OAuthProvider("plain", URI.create("https://a.test/authorize"), URI.create("https://a.test/token"),
            Optional.empty(), "client", Optional.empty(), List.of("smtp"), Map.of(), new RelayServer("smtp.a.test", 465, RelaySecurity.SMTPS));
        providers().save(plain);
        assertThat(providers().find("plain")).contains(plain);
    }

    @Test
    default void saveReplacesAndRemoveDeletes() {
        providers().save(custom("p1", Optional.empty()));
        OAuthProvider replaced = custom("p1", Optional.of(new SealedSecret("k2", "bmV3LXNlY3JldA==")));
        providers().save(replaced);
        providers().save(custom("p0", Optional.empty()));

        assertThat(providers().find("p1")).contains(replaced);
        assertThat(providers().all()).extracting(OAuthProvider::id).containsExactly("p0", "p1");
        assertThat(providers().remove("p1")).isTrue();
        assertThat(providers().remove("p1")).isFalse();
        assertThat(providers().find("p1")).isEmpty();
    }
}
