package io.github.outboundrelay.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Base64;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.rrt.api.CanSendFrom;
import org.apache.james.smtpserver.ExtendedSMTPSession;
import org.apache.james.smtpserver.SenderAuthIdentifyVerificationHook;
import org.apache.james.user.api.UsersRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.AesGcmSecretSealer;
import io.github.outboundrelay.core.InMemoryDomainRelayPolicies;
import io.github.outboundrelay.core.InMemorySendAsRegistry;
import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.SendAsAddress;

class SendAsSenderIdentityHookTest {
    static final Username ALICE = Username.of("alice@ourdomain.test");
    static final Username BOB = Username.of("bob@ourdomain.test");

    SendAsSenderIdentityHook hook;
    SenderAuthIdentifyVerificationHook stock;

    @BeforeEach
    void setUp() throws Exception {
        DomainList domains = mock(DomainList.class);
        when(domains.containsDomain(any())).thenAnswer(call -> Domain.of("ourdomain.test").equals(call.getArgument(0)));
        UsersRepository users = mock(UsersRepository.class);
        when(users.getUsername(any())).thenAnswer(call -> Username.fromMailAddress(call.getArgument(0)));
        CanSendFrom canSendFrom = mock(CanSendFrom.class);
        when(canSendFrom.userCanSendFrom(any(), any())).thenAnswer(call -> call.getArgument(0).equals(call.getArgument(1)));
        InMemorySendAsRegistry registry = new InMemorySendAsRegistry();
        AesGcmSecretSealer sealer = new AesGcmSecretSealer(
            Map.of("k", new SecretKeySpec(Base64.getDecoder().decode("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), "AES")), "k");
        registry.register(new SendAsAddress(new MailAddress("alice@partner.test"), ALICE,
            new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS), "alice", sealer.seal("pw", "alice@partner.test")));
        OutboundRelayRule rule = new OutboundRelayRule(registry, new InMemoryDomainRelayPolicies(), domains);
        hook = new SendAsSenderIdentityHook(domains, users, canSendFrom, rule);
        stock = new SenderAuthIdentifyVerificationHook(domains, users, canSendFrom);
    }

    @Test
    void ownerMayUseHerSendAsAddress() throws Exception {
        assertThat(hook.doMail(session(ALICE), sender("alice@partner.test")).getResult()).isEqualTo(HookReturnCode.declined());
        assertThat(hook.doRcpt(session(ALICE), sender("alice@partner.test"), new MailAddress("carol@elsewhere.test")).getResult())
            .isEqualTo(HookReturnCode.declined());
        // What the stock hook says to the same command: the reason this hook exists.
        assertThat(stock.doMail(session(ALICE), sender("alice@partner.test")).getResult()).isEqualTo(HookReturnCode.deny());
    }

    @Test
    void anotherUserMayNotUseAlicesSendAsAddress() throws Exception {
        HookResult result = hook.doMail(session(BOB), sender("alice@partner.test"));
        assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(result.getSmtpRetCode()).isEqualTo("503");
    }

    @Test
    void unregisteredExternalAddressIsRefused() throws Exception {
        assertThat(hook.doMail(session(ALICE), sender("carol@partner.test")).getResult()).isEqualTo(HookReturnCode.deny());
    }

    @Test
    void primaryAddressStillAllowed() throws Exception {
        assertThat(hook.doMail(session(ALICE), sender("alice@ourdomain.test")).getResult()).isEqualTo(HookReturnCode.declined());
    }

    @Test
    void nullSenderOfAnAuthenticatedSessionStillRefused() {
        assertThat(hook.doMail(session(ALICE), MaybeSender.nullSender()).getResult()).isEqualTo(HookReturnCode.deny());
    }

    @Test
    void unauthenticatedSessionsAreDecidedExactlyAsStock() throws Exception {
        for (String address : new String[] {"alice@partner.test", "alice@ourdomain.test"}) {
            assertThat(hook.doMail(session(null), sender(address)).getResult())
                .isEqualTo(stock.doMail(session(null), sender(address)).getResult());
        }
        assertThat(hook.doMail(session(null), sender("alice@ourdomain.test")).getSmtpRetCode()).isEqualTo("530");
    }

    @Test
    void loaderSwapsOnlyTheStockHook() {
        java.util.List<String> stockHandlers = new org.apache.james.smtpserver.CoreCmdHandlerLoader().getHandlers();
        java.util.List<String> handlers = new SendAsCoreCmdHandlerLoader().getHandlers();

        assertThat(handlers).hasSameSizeAs(stockHandlers)
            .contains(SendAsSenderIdentityHook.class.getName())
            .doesNotContain(SenderAuthIdentifyVerificationHook.class.getName());
        int index = stockHandlers.indexOf(SenderAuthIdentifyVerificationHook.class.getName());
        assertThat(handlers.get(index)).isEqualTo(SendAsSenderIdentityHook.class.getName());
        assertThat(handlers.subList(0, index)).isEqualTo(stockHandlers.subList(0, index));
    }

    private static ExtendedSMTPSession session(Username user) {
        ExtendedSMTPSession session = mock(ExtendedSMTPSession.class);
        when(session.getUsername()).thenReturn(user);
        when(session.verifyIdentity()).thenReturn(true);
        when(session.isRelayingAllowed()).thenReturn(false);
        return session;
    }

    private static MaybeSender sender(String address) throws Exception {
        return MaybeSender.of(new MailAddress(address));
    }
}
