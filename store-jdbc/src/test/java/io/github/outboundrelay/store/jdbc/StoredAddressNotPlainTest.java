package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.SendAsRegistryContract;

/**
 * A row stored by an earlier version (or by hand) whose address is not plain, a quoted local part with ';' or CR/LF:
 * the store still opens with every other address, leaves that one out and says so at ERROR, naming the row's key on
 * one log line. A verification row that cannot be read is named on one line too.
 */
class StoredAddressNotPlainTest {
    static final String SEMICOLON = "\"alice;victim@elsewhere.test\"@partner.test";
    static final String LINE_BREAK = "\"alice\\\r\\\nRCPT TO:<victim@elsewhere.test>\"@partner.test";
    static final String ESCAPED_LINE_BREAK = "\"alice\\\\r\\\\nRCPT TO:<victim@elsewhere.test>\"@partner.test";

    @TempDir
    Path folder;

    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(SendAsTable.class),
        (Logger) LoggerFactory.getLogger(VerificationTable.class));

    @BeforeEach
    void captureLogs() {
        logged.start();
        loggers.forEach(logger -> logger.addAppender(logged));
    }

    @AfterEach
    void releaseLogs() {
        loggers.forEach(logger -> logger.detachAppender(logged));
    }

    @Test
    void theStoreOpensWithoutSuchARowAndNamesItAtError() throws Exception {
        SendAsAddress bob = SendAsRegistryContract.sendAs("bob@partner.test", SendAsRegistryContract.BOB);
        JdbcStoreConfiguration configuration = TestDatabases.h2(folder);
        try (JdbcOutboundRelayStore store = JdbcOutboundRelayStore.open(configuration)) {
            store.sendAsRegistry().register(bob);
        }
        try (Connection connection = DriverManager.getConnection(configuration.url(), configuration.username(),
            configuration.password())) {
            for (String address : List.of(SEMICOLON, LINE_BREAK)) {
                Sql.update(connection, "INSERT INTO outbound_relay_send_as (address_key, address, owner_name, relay_host,"
                    + " relay_port, relay_security, relay_username, password_key_id, password_sealed, changed_version)"
                    + " VALUES (?, ?, 'alice@ourdomain.test', 'smtp.partner.test', 587, 'STARTTLS', 'alice', 'k1',"
                    + " 'c2VhbGVkLWJ5dGVz', 1)", address, address);
            }
        }

        try (JdbcOutboundRelayStore reopened = JdbcOutboundRelayStore.open(configuration)) {
            assertThat(reopened.sendAsRegistry().all()).containsExactly(bob);
        }

        List<String> errors = errors();
        assertThat(errors).hasSize(2).allSatisfy(line -> assertThat(line)
            .contains("is invalid and is ignored ('address' refused)").doesNotContain("\r", "\n"));
        assertThat(errors).anySatisfy(line -> assertThat(line).contains(SEMICOLON));
        assertThat(errors).anySatisfy(line -> assertThat(line).contains(ESCAPED_LINE_BREAK));
    }

    @Test
    void aVerificationRowThatCannotBeReadIsNamedOnOneLine() throws Exception {
        JdbcStoreConfiguration configuration = TestDatabases.h2(folder);
        JdbcOutboundRelayStore.open(configuration).close();
        try (Connection connection = DriverManager.getConnection(configuration.url(), configuration.username(),
            configuration.password())) {
            Sql.update(connection, "INSERT INTO outbound_relay_send_as_verification (address_key, status, relay_identity,"
                + " failed_attempts, codes_sent_at, changed_version) VALUES (?, 'BOGUS', 'x', 0, '', 1)", LINE_BREAK);
        }

        JdbcOutboundRelayStore.open(configuration).close();

        assertThat(errors()).singleElement().satisfies(line -> assertThat(line).contains("is invalid and is ignored")
            .contains(ESCAPED_LINE_BREAK).doesNotContain("\r", "\n"));
    }

    private List<String> errors() {
        return logged.list.stream().filter(event -> event.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage)
            .toList();
    }
}
