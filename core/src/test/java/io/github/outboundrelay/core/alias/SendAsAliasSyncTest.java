package io.github.outboundrelay.core.alias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.lib.MappingsImpl;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.store.SendAsRegistryContract;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import io.github.outboundrelay.testing.LogCapture;

/** The reconciliation against James's own memory RecipientRewriteTable. */
class SendAsAliasSyncTest {
    static final Username ALICE = SendAsRegistryContract.ALICE;
    static final Domain OURDOMAIN = Domain.of("ourdomain.test");
    static final MappingSource PARTNER_SOURCE = MappingSource.fromUser("alice", Domain.of("partner.test"));
    static final Mapping TO_ALICE = Mapping.alias(ALICE.asString());

    InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
    SendAsVerifier verifier = new SendAsVerifier(new InMemoryVerifications());
    InMemoryDomainRelayPolicies policies = new InMemoryDomainRelayPolicies();
    MemoryRecipientRewriteTable rrt = new MemoryRecipientRewriteTable();
    SendAsAliasSync sync;

    @BeforeEach
    void setUp() throws Exception {
        DomainList domainList = mock(DomainList.class);
        when(domainList.containsDomain(any())).thenAnswer(call -> OURDOMAIN.equals(call.getArgument(0)));
        sync = new SendAsAliasSync(registry, new OutboundRelayRule(registry, policies, domainList, verifier), rrt, domainList);
        policies.set(new DomainRelayPolicy(OURDOMAIN, true));
    }

    @Test
    void aVerifiedAddressOfAnAllowedDomainBecomesAnAliasOfItsOwnerOnce() throws Exception {
        register("Alice@Partner.TEST", true);

        sync.reconcile();
        sync.reconcile();

        assertThat(rrt.getAllMappings()).isEqualTo(Map.of(PARTNER_SOURCE, MappingsImpl.fromMappings(TO_ALICE)));
    }

    @Test
    void aPendingAddressIsNoAlias() throws Exception {
        register("alice@partner.test", false);

        sync.reconcile();

        assertThat(rrt.getAllMappings()).isEmpty();
    }

    @Test
    void theAliasGoesWhenTheAddressStopsQualifyingOrIsRemoved() throws Exception {
        SendAsAddress sendAs = register("alice@partner.test", true);
        sync.reconcile();

        policies.set(new DomainRelayPolicy(OURDOMAIN, false));
        sync.reconcile();
        assertThat(rrt.getAllMappings()).as("relays off: sent through our servers, still an alias").containsKey(PARTNER_SOURCE);
        policies.set(new DomainRelayPolicy(OURDOMAIN, false, false, false));
        sync.reconcile();
        assertThat(rrt.getAllMappings()).isEmpty();

        policies.set(new DomainRelayPolicy(OURDOMAIN, true));
        sync.reconcile();
        assertThat(rrt.getAllMappings()).containsKey(PARTNER_SOURCE);
        registry.remove(ALICE, sendAs.address());
        sync.reconcile();
        assertThat(rrt.getAllMappings()).isEmpty();
    }

    @Test
    void aliasesFromOurOwnDomainsAreNeverTouched() throws Exception {
        MappingSource adminAlias = MappingSource.fromUser("a.martin", OURDOMAIN);
        rrt.addMapping(adminAlias, TO_ALICE);

        sync.reconcile();

        assertThat(rrt.getAllMappings()).isEqualTo(Map.of(adminAlias, MappingsImpl.fromMappings(TO_ALICE)));
    }

    /** Any foreign alias of the table is ours to remove, whoever wrote it (James's own alias routes): logged on one line. */
    @Test
    void aForeignAliasWithALineBreakIsRemovedAndLoggedOnOneLine() throws Throwable {
        MappingSource forged = MappingSource.fromMailAddress(
            new MailAddress("\"x\\\r\\\n2024-01-01 00:00:00 [INFO ] forged\"@elsewhere.test"));
        rrt.addMapping(forged, TO_ALICE);
        List<ILoggingEvent> logged = LogCapture.whileRunning(SendAsAliasSync.class, Level.INFO, sync::reconcile);

        assertThat(rrt.getAllMappings()).isEmpty();
        assertThat(logged).singleElement().extracting(ILoggingEvent::getFormattedMessage)
            .satisfies(line -> assertThat(line).contains("forged").contains("removed").doesNotContain("\r", "\n"));
    }

    private SendAsAddress register(String address, boolean verified) {
        SendAsAddress sendAs = SendAsRegistryContract.sendAs(address, ALICE);
        registry.register(sendAs);
        verifier.saved(sendAs, verified);
        return sendAs;
    }
}
