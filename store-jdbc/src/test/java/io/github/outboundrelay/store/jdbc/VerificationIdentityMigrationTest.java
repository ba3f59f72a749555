package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.SendAsRegistryContract;
import io.github.outboundrelay.core.verification.SendAsVerifier;

/**
 * V4: verification states written before it ("host|username") keep holding for the address's current relay, in the
 * new form that also covers port and security; a state about an earlier relay does not.
 */
class VerificationIdentityMigrationTest {
    @TempDir
    Path folder;

    @Test
    void onH2() throws Exception {
        aVerifiedAddressOfSchema3StaysVerifiedAndThenDependsOnPortAndSecurity(TestDatabases.h2(folder));
    }

    @Test
    void onPostgresql() throws Exception {
        aVerifiedAddressOfSchema3StaysVerifiedAndThenDependsOnPortAndSecurity(TestDatabases.freshPostgresDatabase());
    }

    private void aVerifiedAddressOfSchema3StaysVerifiedAndThenDependsOnPortAndSecurity(JdbcStoreConfiguration configuration)
            throws Exception {
        TestDatabases.migrateTo(configuration, "3");
        try (Connection connection = DriverManager.getConnection(configuration.url(), configuration.username(),
            configuration.password()); Statement statement = connection.createStatement()) {
            for (String[] row : new String[][] {{"alice@partner.test", "smtp.partner.test|alice"},
                {"bob@partner.test", "smtp.old-relay.test|bob"}}) {
                String key = row[0];
                String user = key.substring(0, key.indexOf('@'));
                statement.execute("INSERT INTO outbound_relay_send_as (address_key, address, owner_name, relay_host, relay_port,"
                    + " relay_security, relay_username, password_key_id, password_sealed, changed_version) VALUES ('" + key
                    + "', '" + key + "', '" + user + "@ourdomain.test', 'smtp.partner.test', 587, 'STARTTLS', '" + user
                    + "', 'k1', 'c2VhbGVk', 1)");
                statement.execute("INSERT INTO outbound_relay_send_as_verification (address_key, status, relay_identity,"
                    + " failed_attempts, codes_sent_at, changed_version) VALUES ('" + key + "', 'VERIFIED', '" + row[1]
                    + "', 0, '', 1)");
            }
        }

        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(configuration)) {
            SendAsVerifier verifier = new SendAsVerifier(store.verifications());
            SendAsAddress alice = store.sendAsRegistry().find(SendAsRegistryContract.address("alice@partner.test")).orElseThrow();
            SendAsAddress bob = store.sendAsRegistry().find(SendAsRegistryContract.address("bob@partner.test")).orElseThrow();

            assertThat(verifier.isVerified(alice)).isTrue();
            assertThat(store.verifications().get(alice.key()).orElseThrow().relayIdentity())
                .isEqualTo("smtp.partner.test|587|STARTTLS|alice");
            assertThat(verifier.isVerified(bob)).as("verified for an earlier relay only").isFalse();
            SendAsAddress inClear = new SendAsAddress(alice.address(), alice.owner(),
                new RelayServer("smtp.partner.test", 587, RelaySecurity.NONE), "alice", alice.requireRelayAccount().credential().secret());
            assertThat(verifier.isVerified(inClear)).isFalse();
        }
    }
}
