package io.github.outboundrelay.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.rrt.api.CanSendFrom;
import org.apache.james.rrt.api.RecipientRewriteTableConfiguration;
import org.apache.james.rrt.lib.AliasReverseResolverImpl;
import org.apache.james.rrt.lib.CanSendFromImpl;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.apache.james.smtpserver.ExtendedSMTPSession;
import org.apache.james.smtpserver.SenderAuthIdentifyVerificationHook;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provider;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.OutboundRelayModule;
import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.secrets.SealedSecret;
import io.github.outboundrelay.core.store.DomainRelayPolicies;
import io.github.outboundrelay.core.store.SendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.store.memory.InMemorySendAsRegistry;
import io.github.outboundrelay.core.store.memory.InMemoryVerifications;
import io.github.outboundrelay.core.store.memory.MemoryStoreModule;
import io.github.outboundrelay.core.verification.SendAsVerifier;

class SendAsSenderIdentityHookTest {
    static final Domain OUR_DOMAIN = Domain.of("ourdomain.test");
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");
    static final String ALICE_SEND_AS = "alice@partner.test";
    static final String MAIL_CMD = "503";

    MemoryDomainList domains;
    MemoryUsersRepository users;
    CanSendFrom canSendFrom;
    InMemorySendAsRegistry registry;
    SendAsVerifier verifier;
    InMemoryDomainRelayPolicies policies;
    SendAsSenderIdentityHook hook;
    SenderAuthIdentifyVerificationHook stock;

    @BeforeEach
    void setUp() throws Exception {
        domains = new MemoryDomainList(new InMemoryDNSService());
        domains.configure(DomainListConfiguration.builder()
            .autoDetect(false)
            .autoDetectIp(false)
            .build());
        domains.addDomain(OUR_DOMAIN);
        users = MemoryUsersRepository.withVirtualHosting(domains);
        users.addUser(ALICE, "secret");
        users.addUser(BOB, "secret");
        MemoryRecipientRewriteTable rewriteTable = new MemoryRecipientRewriteTable();
        rewriteTable.setConfiguration(RecipientRewriteTableConfiguration.DEFAULT_ENABLED);
        canSendFrom = new CanSendFromImpl(rewriteTable, new AliasReverseResolverImpl(rewriteTable));

        registry = new InMemorySendAsRegistry();
        verifier = new SendAsVerifier(new InMemoryVerifications());
        registerVerified(sendAs(ALICE_SEND_AS, ALICE));
        policies = new InMemoryDomainRelayPolicies();
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, true));
        OutboundRelayRule rule = new OutboundRelayRule(registry, policies, domains, verifier);

        hook = new SendAsSenderIdentityHook(domains, users, canSendFrom, rule);
        stock = new SenderAuthIdentifyVerificationHook(domains, users, canSendFrom);
    }

    @Test
    void ownerMayUseHerSendAsAddressAsMailFrom() throws Exception {
        assertThat(hook.doMail(authenticated(ALICE), sender(ALICE_SEND_AS))).isEqualTo(HookResult.DECLINED);
        // What the stock hook answers to the same command: the reason this hook exists.
        assertThat(stock.doMail(authenticated(ALICE), sender(ALICE_SEND_AS)).getResult()).isEqualTo(HookReturnCode.deny());
    }

    @Test
    void whileHerDomainDoesNotAllowRelaysTheOwnerMayStillUseHerAddressItsMailGoesThroughOurServers() throws Exception {
        // Issue 22: relays off no longer refuse the address (it was a 503 before); the matchers send it on her behalf.
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, false));

        assertThat(hook.doMail(authenticated(ALICE), sender(ALICE_SEND_AS))).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void anAddressWithoutRelayIsAMailFromOfItsOwnerOnly() throws Exception {
        registerVerified(SendAsAddress.withoutRelay(new MailAddress("alice@norelay.test"), ALICE, java.util.Optional.empty()));

        assertThat(hook.doMail(authenticated(ALICE), sender("alice@norelay.test"))).isEqualTo(HookResult.DECLINED);
        assertThat(hook.doMail(authenticated(BOB), sender("alice@norelay.test")).getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(hook.doMail(unauthenticated(false), sender("alice@norelay.test")))
            .isEqualTo(stock.doMail(unauthenticated(false), sender("alice@norelay.test")));
    }

    @Test
    void whileHerDomainDoesNotAllowAlternateAddressesTheOwnerIsRefusedAsByTheStockHook() throws Exception {
        policies.set(new DomainRelayPolicy(OUR_DOMAIN, true, true, false));

        HookResult result = hook.doMail(authenticated(ALICE), sender(ALICE_SEND_AS));

        assertThat(result).isEqualTo(stock.doMail(authenticated(ALICE), sender(ALICE_SEND_AS)));
        assertThat(result.getSmtpRetCode()).isEqualTo(MAIL_CMD);
    }

    @Test
    void ownerMayUseHerSendAsAddressAtRcpt() throws Exception {
        assertThat(hook.doRcpt(authenticated(ALICE), sender(ALICE_SEND_AS), new MailAddress("dave@elsewhere.test")))
            .isEqualTo(HookResult.DECLINED);
    }

    @Test
    void sendAsAddressMatchesWhateverItsCase() throws Exception {
        assertThat(hook.doMail(authenticated(ALICE), sender("Alice@Partner.TEST"))).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void anotherUserMayNotUseAlicesSendAsAddress() throws Exception {
        HookResult result = hook.doMail(authenticated(BOB), sender(ALICE_SEND_AS));

        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo(MAIL_CMD);
        assertThat(result.getSmtpDescription()).startsWith("5.7.1");
    }

    @Test
    void anotherUserMayNotUseAlicesSendAsAddressAtRcpt() throws Exception {
        HookResult result = hook.doRcpt(authenticated(BOB), sender(ALICE_SEND_AS), new MailAddress("dave@elsewhere.test"));

        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo(MAIL_CMD);
    }

    @Test
    void unregisteredExternalAddressIsRefused() throws Exception {
        HookResult result = hook.doMail(authenticated(ALICE), sender("carol@partner.test"));

        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo(MAIL_CMD);
    }

    @Test
    void ownPrimaryAddressIsStillAccepted() throws Exception {
        assertThat(hook.doMail(authenticated(ALICE), sender("alice@ourdomain.test"))).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void anotherLocalUsersAddressIsStillRefused() throws Exception {
        assertThat(hook.doMail(authenticated(ALICE), sender("bob@ourdomain.test")).getSmtpRetCode()).isEqualTo(MAIL_CMD);
    }

    @Test
    void nullSenderOfAnAuthenticatedSessionIsStillRefused() throws Exception {
        assertThat(hook.doMail(authenticated(ALICE), MaybeSender.nullSender()).getSmtpRetCode()).isEqualTo(MAIL_CMD);
        assertThat(hook.doRcpt(authenticated(ALICE), MaybeSender.nullSender(), new MailAddress("dave@elsewhere.test"))
            .getSmtpRetCode()).isEqualTo(MAIL_CMD);
    }

    @Test
    void unauthenticatedSessionUsingTheSendAsAddressIsDecidedAsStock() throws Exception {
        ExtendedSMTPSession session = unauthenticated(false);

        assertThat(hook.doMail(session, sender(ALICE_SEND_AS))).isEqualTo(stock.doMail(session, sender(ALICE_SEND_AS)));
        assertThat(hook.doRcpt(session, sender(ALICE_SEND_AS), new MailAddress("bob@ourdomain.test")))
            .isEqualTo(stock.doRcpt(session, sender(ALICE_SEND_AS), new MailAddress("bob@ourdomain.test")));
    }

    @Test
    void unauthenticatedSessionUsingALocalAddressStillNeedsAuthentication() throws Exception {
        assertThat(hook.doMail(unauthenticated(false), sender("alice@ourdomain.test")).getSmtpRetCode()).isEqualTo("530");
    }

    @Test
    void sendAsAddressInALocalDomainIsDecidedAsStock() throws Exception {
        // Not a foreign address: this hook has nothing to add, James's aliases decide.
        registerVerified(sendAs("alice.other@ourdomain.test", ALICE));

        assertThat(hook.doMail(authenticated(ALICE), sender("alice.other@ourdomain.test")).getSmtpRetCode()).isEqualTo(MAIL_CMD);
    }

    @Test
    void removedSendAsAddressIsRefusedAgain() throws Exception {
        registry.remove(ALICE, new MailAddress(ALICE_SEND_AS));

        assertThat(hook.doMail(authenticated(ALICE), sender(ALICE_SEND_AS)).getSmtpRetCode()).isEqualTo(MAIL_CMD);
    }

    @Test
    void addressWhoseDomainBecomesLocalIsDecidedAsStock() throws Exception {
        domains.addDomain(Domain.of("partner.test"));

        assertThat(hook.doMail(authenticated(ALICE), sender(ALICE_SEND_AS))).isEqualTo(stock.doMail(authenticated(ALICE), sender(ALICE_SEND_AS)));
    }

    /** Every session kind, sender and command: the only answer that differs from stock is Alice with her send-as address. */
    @ParameterizedTest(name = "{0} / {1} / {2}")
    @MethodSource("everyCase")
    void answersExactlyAsStockExceptForTheOwnersSendAsAddress(String sessionName, String senderName, boolean rcpt) throws Exception {
        ExtendedSMTPSession session = session(sessionName);
        MaybeSender sender = senderName.equals("<>") ? MaybeSender.nullSender() : sender(senderName);
        MailAddress recipient = new MailAddress("dave@elsewhere.test");

        HookResult ours = rcpt ? hook.doRcpt(session, sender, recipient) : hook.doMail(session, sender);
        HookResult theirs = rcpt ? stock.doRcpt(session, sender, recipient) : stock.doMail(session, sender);

        if (sessionName.startsWith("alice") && senderName.equals(ALICE_SEND_AS)) {
            assertThat(ours).isEqualTo(HookResult.DECLINED);
        } else {
            assertThat(ours).isEqualTo(theirs);
        }
    }

    static Stream<Arguments> everyCase() {
        List<Arguments> cases = new ArrayList<>();
        for (String session : List.of("alice", "alice-no-verifyIdentity", "bob", "anonymous", "anonymous-relaying")) {
            for (String sender : List.of(ALICE_SEND_AS, "carol@partner.test", "alice@ourdomain.test", "bob@ourdomain.test", "<>")) {
                cases.add(Arguments.of(session, sender, false));
                cases.add(Arguments.of(session, sender, true));
            }
        }
        return cases.stream();
    }

    @Nested
    class WiredByGuice {
        @Test
        void hookIsBuiltFromTheExtensionModuleAndSeesItsRegistry() throws Exception {
            // How James builds handlers: by class name in the extension injector, which holds OutboundRelayModule and a store module.
            Injector injector = Guice.createInjector(new OutboundRelayModule(), new MemoryStoreModule(), new AbstractModule() {
                @Override
                protected void configure() {
                    // James's own singletons, as the parent injector provides them (providers: no member injection).
                    bind(DomainList.class).toProvider(instance(domains));
                    bind(UsersRepository.class).toProvider(instance(users));
                    bind(CanSendFrom.class).toProvider(instance(canSendFrom));
                    bind(JamesDirectoriesProvider.class).toProvider(instance(mock(JamesDirectoriesProvider.class)));
                    bind(DNSService.class).toProvider(instance(new InMemoryDNSService()));
                    bind(PropertiesProvider.class).toProvider(instance(mock(PropertiesProvider.class)));
                    // The relay connector's own module (mailets) is not loaded here.
                    bind(io.github.outboundrelay.core.net.RelayConnector.class)
                        .toProvider(instance(mock(io.github.outboundrelay.core.net.RelayConnector.class)));
                }
            });
            SendAsSenderIdentityHook wired = injector.getInstance(SendAsSenderIdentityHook.class);
            ExtendedSMTPSession bob = authenticated(BOB);
            assertThat(wired.doMail(bob, sender("bob@partner.test")).getSmtpRetCode()).isEqualTo(MAIL_CMD);

            // A registration made through the shared registry (what the admin API does) is seen by the next MAIL FROM.
            SendAsAddress bobs = sendAs("bob@partner.test", BOB);
            injector.getInstance(SendAsRegistry.class).register(bobs);
            assertThat(wired.doMail(bob, sender("bob@partner.test")).getSmtpRetCode()).isEqualTo(MAIL_CMD); // still pending
            injector.getInstance(SendAsVerifier.class).saved(bobs, true);
            // Verified: admitted with relays off (through our servers), refused once alternate addresses are off.
            assertThat(wired.doMail(bob, sender("bob@partner.test"))).isEqualTo(HookResult.DECLINED);
            injector.getInstance(DomainRelayPolicies.class).set(new DomainRelayPolicy(OUR_DOMAIN, false, false, false));
            assertThat(wired.doMail(bob, sender("bob@partner.test")).getSmtpRetCode()).isEqualTo(MAIL_CMD);
            injector.getInstance(DomainRelayPolicies.class).set(new DomainRelayPolicy(OUR_DOMAIN, true));

            assertThat(wired.doMail(bob, sender("bob@partner.test"))).isEqualTo(HookResult.DECLINED);
            assertThat(injector.getInstance(OutboundRelayRule.class)).isSameAs(injector.getInstance(OutboundRelayRule.class));
            assertThat(injector.getInstance(DomainRelayPolicies.class)).isSameAs(injector.getInstance(InMemoryDomainRelayPolicies.class));
        }
    }

    private static <T> Provider<T> instance(T instance) {
        return () -> instance;
    }

    private static ExtendedSMTPSession session(String name) {
        return switch (name) {
            case "alice" -> authenticated(ALICE);
            case "alice-no-verifyIdentity" -> session(ALICE, false, false);
            case "bob" -> authenticated(BOB);
            case "anonymous" -> unauthenticated(false);
            case "anonymous-relaying" -> unauthenticated(true);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static ExtendedSMTPSession authenticated(Username user) {
        return session(user, true, false);
    }

    private static ExtendedSMTPSession unauthenticated(boolean relayingAllowed) {
        return session(null, true, relayingAllowed);
    }

    private static ExtendedSMTPSession session(Username user, boolean verifyIdentity, boolean relayingAllowed) {
        ExtendedSMTPSession session = mock(ExtendedSMTPSession.class);
        when(session.getUsername()).thenReturn(user);
        when(session.verifyIdentity()).thenReturn(verifyIdentity);
        when(session.isRelayingAllowed()).thenReturn(relayingAllowed);
        return session;
    }

    private void registerVerified(SendAsAddress sendAs) {
        registry.register(sendAs);
        verifier.saved(sendAs, true);
    }

    private static SendAsAddress sendAs(String address, Username owner) throws Exception {
        return new SendAsAddress(new MailAddress(address), owner, new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS),
            owner.getLocalPart(), new SealedSecret("k1", "c2VhbGVk"));
    }

    private static MaybeSender sender(String address) throws Exception {
        return MaybeSender.of(new MailAddress(address));
    }
}
