package io.github.outboundrelay.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.io.FileNotFoundException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.utils.PropertiesProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.OutboundRelayModule;
import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.secrets.SecretSealer;
import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import io.github.outboundrelay.core.store.RelayAttemptLogContract;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.SendAsRegistryContract;
import io.github.outboundrelay.core.store.Verifications;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemoryRelayAttemptLog;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.store.memory.MemoryStoreModule;
import io.github.outboundrelay.core.verification.SendAsVerifier;

class OutboundRelayStoreModuleTest {
    @TempDir
    Path var;

    static PropertiesConfiguration properties(String text) throws Exception {
        PropertiesConfiguration configuration = new PropertiesConfiguration();
        configuration.read(new StringReader(text));
        return configuration;
    }

    @Test
    void noFileMeansTheEmbeddedH2StoreUnderVar() {
        OutboundRelayStoreConfiguration configuration = OutboundRelayStoreConfiguration.defaults(var.toString());

        assertThat(configuration.store()).isEqualTo(OutboundRelayStoreConfiguration.StoreKind.JDBC);
        assertThat(configuration.jdbc().url()).isEqualTo("jdbc:h2:file:" + var.toAbsolutePath().resolve("outbound-relay/store")
            + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000");
        assertThat(configuration.jdbc().poolSize()).isEqualTo(4);
        assertThat(configuration.jdbc().pollInterval()).isEqualTo(Duration.ofMillis(200));
    }

    /** H2 writes its files with the process's umask (typically world-readable): their folder is the owner's only. */
    @Test
    void theEmbeddedH2StoreFolderIsMadeOwnerOnly() throws Exception {
        java.nio.file.Files.createDirectories(var.resolve("outbound-relay"),
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));

        OutboundRelayStoreModule.OutboundRelayStores stores = OutboundRelayStoreModule.OutboundRelayStores.open(
            OutboundRelayStoreConfiguration.defaults(var.toString()));
        try {
            assertThat(java.nio.file.Files.exists(var.resolve("outbound-relay/store.mv.db"))).isTrue();
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(var.resolve("outbound-relay")))).isEqualTo("rwx------");
        } finally {
            stores.jdbcStore().close();
        }
    }

    @Test
    void anEmptyFileMeansTheDefaultsToo() throws Exception {
        assertThat(OutboundRelayStoreConfiguration.from(properties(""), var.toString()))
            .isEqualTo(OutboundRelayStoreConfiguration.defaults(var.toString()));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        OutboundRelayStoreConfiguration configuration = OutboundRelayStoreConfiguration.from(properties("""
            store=jdbc
            jdbc.url=jdbc:postgresql://db.internal:5432/james
            jdbc.username=james
            jdbc.password=s3cret
            jdbc.poolSize=8
            jdbc.pollInterval=100ms
            jdbc.connectionTimeout=2s
            audit.retention=400d
            """), var.toString());

        assertThat(configuration.jdbc()).isEqualTo(new JdbcStoreConfiguration("jdbc:postgresql://db.internal:5432/james", "james",
            "s3cret", 8, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofDays(400)));
        assertThat(configuration.jdbc().toString()).doesNotContain("s3cret");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "audit.retention=30|30",
        "audit.retention=30d|30",
        "audit.retention=30 days|30",
        "audit.retention=12w|84",
        "audit.retention=48h|2",
        "audit.retention=1d|1",
        "audit.retention=1y|365",
        "audit.retention=36500d|36500"
    })
    void theAuditRetentionIsReadInDaysByDefault(String line, long days) throws Exception {
        assertThat(OutboundRelayStoreConfiguration.from(properties(line), var.toString()).jdbc().auditRetention().toDays())
            .isEqualTo(days);
    }

    @Test
    void theAuditRetentionIsNinetyDaysByDefault() throws Exception {
        assertThat(OutboundRelayStoreConfiguration.from(properties(""), var.toString()).jdbc().auditRetention())
            .isEqualTo(Duration.ofDays(90));
        assertThat(OutboundRelayStoreConfiguration.defaults(var.toString()).jdbc().auditRetention()).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void theUrlIsLoggedWithoutItsParameters() {
        JdbcStoreConfiguration configuration = new JdbcStoreConfiguration("jdbc:postgresql://db/james?password=s3cret", "james",
            "", 4, Duration.ofMillis(200), Duration.ofSeconds(5));

        assertThat(configuration.toString()).doesNotContain("s3cret").contains("jdbc:postgresql://db/james");
    }

    @Test
    void theShippedJamesConfFileMeansTheEmbeddedH2StoreUnderVar() throws Exception {
        PropertiesConfiguration shipped = new PropertiesConfiguration();
        try (java.io.Reader reader = java.nio.file.Files.newBufferedReader(Path.of("../james-conf/outbound-relay.properties"))) {
            shipped.read(reader);
        }

        assertThat(OutboundRelayStoreConfiguration.from(shipped, var.toString()))
            .isEqualTo(OutboundRelayStoreConfiguration.defaults(var.toString()));
    }

    @Test
    void memoryCanBeChosen() throws Exception {
        assertThat(OutboundRelayStoreConfiguration.from(properties("store=memory"), var.toString()).store())
            .isEqualTo(OutboundRelayStoreConfiguration.StoreKind.MEMORY);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "store=cassandra|store",
        "jdbc.url=jdbc:mysql://db/james|jdbc.url",
        "jdbc.poolSize=0|jdbc.poolSize",
        "jdbc.poolSize=1|jdbc.poolSize",
        "jdbc.poolSize=many|jdbc.poolSize",
        "jdbc.pollInterval=soon|jdbc.pollInterval",
        "jdbc.pollInterval=2h|jdbc.pollInterval",
        "jdbc.connectionTimeout=1ms|jdbc.connectionTimeout",
        "audit.retention=forever|audit.retention",
        "audit.retention=12h|audit.retention",
        "audit.retention=0|audit.retention",
        "audit.retention=-5d|audit.retention",
        "audit.retention=36501d|audit.retention"
    })
    void aBadValueIsRefusedNamingItsKey(String line, String key) {
        assertThatThrownBy(() -> OutboundRelayStoreConfiguration.from(properties(line), var.toString()))
            .isInstanceOf(OutboundRelayConfigurationException.class)
            .hasMessageStartingWith("outbound-relay.properties: '" + key + "'");
    }

    @Test
    void theModuleOpensTheH2StoreByDefaultAndSharesItsSingletons() throws Exception {
        PropertiesProvider propertiesProvider = mock(PropertiesProvider.class);
        when(propertiesProvider.getConfiguration("outbound-relay")).thenThrow(new FileNotFoundException("outbound-relay"));
        Injector injector = injector(propertiesProvider);

        SendAsRegistry registry = injector.getInstance(SendAsRegistry.class);
        DomainRelayPolicies policies = injector.getInstance(DomainRelayPolicies.class);
        try {
            assertThat(registry).isInstanceOf(JdbcSendAsRegistry.class).isSameAs(injector.getInstance(SendAsRegistry.class));
            assertThat(policies).isInstanceOf(JdbcDomainRelayPolicies.class);
            assertThat(injector.getInstance(Verifications.class)).isInstanceOf(JdbcVerifications.class)
                .isSameAs(injector.getInstance(Verifications.class));
            assertThat(injector.getInstance(SendAsVerifier.class)).isSameAs(injector.getInstance(SendAsVerifier.class));
            assertThat(injector.getInstance(OutboundRelayRule.class)).isSameAs(injector.getInstance(OutboundRelayRule.class));
            assertThat(injector.getInstance(SecretSealer.class)).isNotNull();
            assertThat(injector.getInstance(RelayAttemptLog.class)).isInstanceOf(JdbcRelayAttemptLog.class)
                .isSameAs(injector.getInstance(RelayAttemptLog.class));
            assertThat(injector.getInstance(io.github.outboundrelay.core.store.SettingsEventLog.class)).isInstanceOf(JdbcSettingsEventLog.class)
                .isSameAs(injector.getInstance(io.github.outboundrelay.core.store.SettingsEventLog.class));
            assertThat(injector.getInstance(io.github.outboundrelay.core.AuditTrail.class))
                .isSameAs(injector.getInstance(io.github.outboundrelay.core.AuditTrail.class));
            policies.set(new DomainRelayPolicy(Domain.of("ourdomain.test"), true));
            assertThat(var.resolve("outbound-relay/store.mv.db")).exists();
        } finally {
            injector.getInstance(OutboundRelayStoreModule.OutboundRelayStores.class).jdbcStore().close();
        }
    }

    @Test
    void theModuleBindsTheMemoryStoreWhenAsked() throws Exception {
        PropertiesProvider propertiesProvider = mock(PropertiesProvider.class);
        when(propertiesProvider.getConfiguration("outbound-relay")).thenReturn(properties("store=memory"));
        Injector injector = injector(propertiesProvider);

        assertThat(injector.getInstance(SendAsRegistry.class)).isInstanceOf(InMemorySendAsRegistry.class);
        assertThat(injector.getInstance(DomainRelayPolicies.class)).isInstanceOf(InMemoryDomainRelayPolicies.class);
        assertThat(injector.getInstance(Verifications.class)).isInstanceOf(InMemoryVerifications.class)
            .isSameAs(injector.getInstance(Verifications.class));
        assertThat(injector.getInstance(RelayAttemptLog.class)).isInstanceOf(InMemoryRelayAttemptLog.class)
            .isSameAs(injector.getInstance(RelayAttemptLog.class));
        assertThat(injector.getInstance(io.github.outboundrelay.core.store.SettingsEventLog.class))
            .isInstanceOf(io.github.outboundrelay.core.store.memory.InMemorySettingsEventLog.class)
            .isSameAs(injector.getInstance(io.github.outboundrelay.core.store.SettingsEventLog.class));
        assertThat(var.resolve("outbound-relay/store.mv.db")).doesNotExist();
    }

    @Test
    void aVerifiedAddressIsStillVerifiedAfterTheModuleIsBuiltAgainOnTheSameVarDirectory() throws Exception {
        PropertiesProvider propertiesProvider = mock(PropertiesProvider.class);
        when(propertiesProvider.getConfiguration("outbound-relay")).thenThrow(new FileNotFoundException("outbound-relay"));
        SendAsAddress alice = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);

        Injector first = injector(propertiesProvider);
        try {
            first.getInstance(SendAsRegistry.class).register(alice);
            first.getInstance(SendAsVerifier.class).saved(alice, true);
        } finally {
            first.getInstance(OutboundRelayStoreModule.OutboundRelayStores.class).jdbcStore().close();
        }
        Injector second = injector(propertiesProvider);
        try {
            assertThat(second.getInstance(SendAsVerifier.class).isVerified(alice)).isTrue();
        } finally {
            second.getInstance(OutboundRelayStoreModule.OutboundRelayStores.class).jdbcStore().close();
        }
    }

    /**
     * A password stored while secrets were bound to their address only (by a version before schema V10, which never
     * ran the upgrade) is bound to its relay account when the store first opens with this version.
     */
    @Test
    void aPasswordSealedForItsAddressOnlyIsBoundToItsRelayAccountWhenTheStoreOpens() throws Exception {
        PropertiesProvider propertiesProvider = mock(PropertiesProvider.class);
        when(propertiesProvider.getConfiguration("outbound-relay")).thenThrow(new FileNotFoundException("outbound-relay"));
        SendAsAddress alice = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);
        io.github.outboundrelay.core.secrets.SealedSecret legacy = injector(propertiesProvider).getInstance(SecretSealer.class)
            .seal("relay-password", alice.key());
        try (JdbcOutboundRelayStore older = JdbcOutboundRelayStore.open(OutboundRelayStoreConfiguration.defaults(var.toString()).jdbc())) {
            older.sendAsRegistry().register(alice.withRelayPassword(legacy));
        }

        Injector second = injector(propertiesProvider);
        try {
            SendAsAddress stored = second.getInstance(SendAsRegistry.class).find(alice.address()).orElseThrow();
            SecretSealer sealer = second.getInstance(SecretSealer.class);

            assertThat(stored.requireRelayAccount().credential().secret()).isNotEqualTo(legacy);
            assertThat(sealer.open(stored.requireRelayAccount().credential().secret(), stored.requireRelayAccount().credential().sealingContext(stored))).isEqualTo("relay-password");
            assertThatThrownBy(() -> sealer.open(stored.requireRelayAccount().credential().secret(), alice.key())).isInstanceOf(IllegalStateException.class);
            assertThat(second.getInstance(io.github.outboundrelay.core.RelayLogins.class).loginFor(stored))
                .isEqualTo(new io.github.outboundrelay.core.RelayLogin.WithPassword("relay-password"));
        } finally {
            second.getInstance(OutboundRelayStoreModule.OutboundRelayStores.class).jdbcStore().close();
        }
    }

    /**
     * The upgrade runs once per store: a secret sealed for its address only and written into the store afterwards
     * (behind the application's back, with whatever relay the row names) is not bound on the next start, and never opens.
     */
    @Test
    void aPasswordSealedForItsAddressOnlyAfterTheUpgradeRanIsNeverBoundNorOpened() throws Exception {
        PropertiesProvider propertiesProvider = mock(PropertiesProvider.class);
        when(propertiesProvider.getConfiguration("outbound-relay")).thenThrow(new FileNotFoundException("outbound-relay"));
        SendAsAddress alice = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);
        io.github.outboundrelay.core.secrets.SealedSecret legacy;

        Injector first = injector(propertiesProvider);
        try {
            SendAsRegistry registry = first.getInstance(SendAsRegistry.class); // the store opens: the upgrade runs
            legacy = first.getInstance(SecretSealer.class).seal("relay-password", alice.key());
            registry.register(alice.withRelayPassword(legacy));
        } finally {
            first.getInstance(OutboundRelayStoreModule.OutboundRelayStores.class).jdbcStore().close();
        }
        Injector second = injector(propertiesProvider);
        try {
            SendAsAddress stored = second.getInstance(SendAsRegistry.class).find(alice.address()).orElseThrow();

            assertThat(stored.requireRelayAccount().credential().secret()).isEqualTo(legacy);
            assertThatThrownBy(() -> second.getInstance(io.github.outboundrelay.core.RelayLogins.class).loginFor(stored))
                .isInstanceOf(io.github.outboundrelay.core.RelayLogins.UnusableCredentialException.class);
        } finally {
            second.getInstance(OutboundRelayStoreModule.OutboundRelayStores.class).jdbcStore().close();
        }
    }

    /** The memory store starts empty at every start, so it has no secret sealed the old way to bind, nor opens one. */
    @Test
    void theMemoryStoreNeitherNeedsNorRunsTheUpgrade() throws Exception {
        PropertiesProvider propertiesProvider = mock(PropertiesProvider.class);
        when(propertiesProvider.getConfiguration("outbound-relay")).thenReturn(properties("store=memory"));
        Injector injector = injector(propertiesProvider);
        SendAsAddress alice = SendAsRegistryContract.sendAs("alice@partner.test", SendAsRegistryContract.ALICE);

        SendAsRegistry registry = injector.getInstance(SendAsRegistry.class);
        assertThat(registry.all()).isEmpty();
        registry.register(alice.withRelayPassword(injector.getInstance(SecretSealer.class).seal("relay-password", alice.key())));

        assertThatThrownBy(() -> injector.getInstance(io.github.outboundrelay.core.RelayLogins.class)
            .loginFor(registry.find(alice.address()).orElseThrow()))
            .isInstanceOf(io.github.outboundrelay.core.RelayLogins.UnusableCredentialException.class);
        assertThat(var.resolve("outbound-relay/store.mv.db")).doesNotExist();
    }

    @Test
    void relayAttemptsAreStillThereAfterTheModuleIsBuiltAgainOnTheSameVarDirectory() throws Exception {
        PropertiesProvider propertiesProvider = mock(PropertiesProvider.class);
        when(propertiesProvider.getConfiguration("outbound-relay")).thenThrow(new FileNotFoundException("outbound-relay"));
        java.time.Instant at = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        io.github.outboundrelay.core.RelayAttempt attempt = RelayAttemptLogContract.numbered(at, 3);

        Injector first = injector(propertiesProvider);
        try {
            first.getInstance(RelayAttemptLog.class).record(attempt);
        } finally {
            first.getInstance(OutboundRelayStoreModule.OutboundRelayStores.class).jdbcStore().close();
        }
        Injector second = injector(propertiesProvider);
        try {
            assertThat(second.getInstance(RelayAttemptLog.class).find(java.util.Optional.empty(), java.time.Instant.EPOCH, 0, 10))
                .containsExactly(attempt);
        } finally {
            second.getInstance(OutboundRelayStoreModule.OutboundRelayStores.class).jdbcStore().close();
        }
    }

    @Test
    void theInMemoryModuleBindsTheInMemoryAttemptLogAsASingleton() {
        Injector injector = Guice.createInjector(new OutboundRelayModule(), new MemoryStoreModule(), jamesServices());

        assertThat(injector.getInstance(RelayAttemptLog.class)).isInstanceOf(InMemoryRelayAttemptLog.class)
            .isSameAs(injector.getInstance(InMemoryRelayAttemptLog.class));
    }

    @Test
    void theCoreModuleWithoutAStoreModuleStopsTheStartNamingTheUnboundStore() {
        assertThatThrownBy(() -> Guice.createInjector(new OutboundRelayModule(), jamesServices()))
            .isInstanceOf(CreationException.class)
            .hasMessageContaining("No implementation for SendAsRegistry was bound")
            .hasMessageContaining("No implementation for DomainRelayPolicies was bound");
    }

    @Test
    void twoStoreModulesStopTheStartOnTheDoubleBinding() {
        assertThatThrownBy(() -> Guice.createInjector(new OutboundRelayModule(), new MemoryStoreModule(),
            new OutboundRelayStoreModule(), jamesServices()))
            .isInstanceOf(CreationException.class)
            .hasMessageContaining("SendAsRegistry was bound multiple times")
            .hasMessageContaining("MemoryStoreModule").hasMessageContaining("OutboundRelayStoreModule");
    }

    /** What James's parent injector and the mailets' RelayConnectorModule give the extension's modules. */
    private static AbstractModule jamesServices() {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(JamesDirectoriesProvider.class).toProvider(() -> mock(JamesDirectoriesProvider.class));
                bind(DomainList.class).toProvider(() -> mock(DomainList.class));
                bind(DNSService.class).toProvider(() -> mock(DNSService.class));
                bind(PropertiesProvider.class).toProvider(() -> mock(PropertiesProvider.class));
                bind(io.github.outboundrelay.core.net.RelayConnector.class)
                    .toProvider(() -> mock(io.github.outboundrelay.core.net.RelayConnector.class));
            }
        };
    }

    @Test
    void aBadValueStopsTheStartNamingTheKey() throws Exception {
        PropertiesProvider propertiesProvider = mock(PropertiesProvider.class);
        when(propertiesProvider.getConfiguration("outbound-relay")).thenReturn(properties("jdbc.poolSize=-1"));
        Injector injector = injector(propertiesProvider);

        assertThatThrownBy(() -> injector.getInstance(SendAsRegistry.class))
            .isInstanceOf(ProvisionException.class)
            .hasMessageContaining("outbound-relay.properties: 'jdbc.poolSize'");
    }

    @Test
    void anUnreachableDatabaseStopsTheStartNamingIt() throws Exception {
        PropertiesProvider propertiesProvider = mock(PropertiesProvider.class);
        when(propertiesProvider.getConfiguration("outbound-relay")).thenReturn(properties("""
            jdbc.url=jdbc:postgresql://127.0.0.1:1/james
            jdbc.connectionTimeout=500ms
            jdbc.password=s3cret
            """));
        Injector injector = injector(propertiesProvider);

        assertThatThrownBy(() -> injector.getInstance(SendAsRegistry.class))
            .isInstanceOf(ProvisionException.class)
            .hasMessageContaining("Cannot open the outbound-relay store at jdbc:postgresql://127.0.0.1:1/james")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    }

    private Injector injector(PropertiesProvider propertiesProvider) {
        JamesDirectoriesProvider directories = mock(JamesDirectoriesProvider.class);
        when(directories.getVarDirectory()).thenReturn(var.toString());
        try {
            return Guice.createInjector(new OutboundRelayModule(), new OutboundRelayStoreModule(), new AbstractModule() {
                @Override
                protected void configure() {
                    // what James's parent injector provides
                    bind(PropertiesProvider.class).toProvider(() -> propertiesProvider);
                    bind(JamesDirectoriesProvider.class).toProvider(() -> directories);
                    bind(DomainList.class).toProvider(() -> mock(DomainList.class));
                    bind(DNSService.class).toProvider(() -> mock(DNSService.class));
                    // bound by the mailets' RelayConnectorModule in James
                    bind(io.github.outboundrelay.core.net.RelayConnector.class)
                        .toProvider(() -> mock(io.github.outboundrelay.core.net.RelayConnector.class));
                }
            });
        } catch (CreationException e) {
            throw new AssertionError(e);
        }
    }
}
