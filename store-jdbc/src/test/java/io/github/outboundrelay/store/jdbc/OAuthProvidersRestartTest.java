package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.oauth.OAuthPresets;
import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.store.OAuthProvidersContract;

/** OAuth providers survive closing and reopening the H2 file; the client secret stays sealed, as it was stored. */
class OAuthProvidersRestartTest {
    @TempDir
    Path folder;

    @Test
    void providersAreThereAfterReopening() {
        OAuthProvider m365 = OAuthPresets.microsoft365("m365", "contoso.onmicrosoft.com", "app-id",
            Optional.of(new SealedSecret("k1", "c2VhbGVkLWNsaWVudC1zZWNyZXQ=")));
        OAuthProvider custom = OAuthProvidersContract.custom("partner", Optional.empty());
        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            store.oauthProviders().save(m365);
            store.oauthProviders().save(custom);
            store.oauthProviders().save(OAuthProvidersContract.custom("gone", Optional.empty()));
            store.oauthProviders().remove("gone");
        }
        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(TestDatabases.h2(folder))) {
            assertThat(reopened.oauthProviders().all()).containsExactly(m365, custom);
        }
    }
}
