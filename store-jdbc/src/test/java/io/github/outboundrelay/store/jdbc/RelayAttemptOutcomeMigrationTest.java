package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelayOutcome;

/**
 * V22 (issue 21): relay attempts recorded under the old outcome names (BOUNCED, PARTIALLY_DELIVERED) read as the
 * outcome kinds, and the admin API still names them as before; the finer kinds (TLS failed) are kept from then on.
 */
class RelayAttemptOutcomeMigrationTest {
    @TempDir
    Path folder;

    @Test
    void onH2() throws Exception {
        oldOutcomeNamesReadAsKinds(TestDatabases.h2(folder));
    }

    @Test
    void onPostgresql() throws Exception {
        oldOutcomeNamesReadAsKinds(TestDatabases.freshPostgresDatabase());
    }

    private void oldOutcomeNamesReadAsKinds(JdbcStoreConfiguration configuration) throws Exception {
        TestDatabases.migrateTo(configuration, "20");
        execute(configuration, row(1, "BOUNCED", "550"), row(2, "PARTIALLY_DELIVERED", "550"), row(3, "UNREACHABLE", "NULL"),
            row(4, "DELIVERED", "250"));

        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(configuration)) {
            store.relayAttemptLog().record(new RelayAttempt(Instant.ofEpochMilli(5), io.github.outboundrelay.core.store.SendAsRegistryContract.ALICE,
                io.github.outboundrelay.core.store.SendAsRegistryContract.address("alice@partner.test"), "smtp.partner.test", 587, "", 1,
                RelayOutcome.Kind.TLS_FAILED, Optional.empty()));

            assertThat(store.relayAttemptLog().find(Optional.empty(), Instant.EPOCH, 0, 10))
                .extracting(RelayAttempt::outcome, RelayAttempt::partiallyDelivered, RelayAttempt::reportedOutcome)
                .containsExactly(
                    tuple(RelayOutcome.Kind.REFUSED, false, "BOUNCED"),
                    tuple(RelayOutcome.Kind.REFUSED, true, "PARTIALLY_DELIVERED"),
                    tuple(RelayOutcome.Kind.UNREACHABLE, false, "UNREACHABLE"),
                    tuple(RelayOutcome.Kind.DELIVERED, false, "DELIVERED"),
                    tuple(RelayOutcome.Kind.TLS_FAILED, false, "UNREACHABLE"));
        }
    }

    private static String row(long at, String outcome, String replyCode) {
        return "INSERT INTO outbound_relay_attempt (attempted_at_ms, user_name, send_as, send_as_key, relay_host, relay_port,"
            + " message_id, recipient_count, outcome, reply_code) VALUES (" + at + ", 'alice@ourdomain.test',"
            + " 'alice@partner.test', 'alice@partner.test', 'smtp.partner.test', 587, '', 2, '" + outcome + "', " + replyCode + ")";
    }

    private static void execute(JdbcStoreConfiguration configuration, String... statements) throws Exception {
        try (Connection connection = DriverManager.getConnection(configuration.url(), configuration.username(),
            configuration.password()); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
