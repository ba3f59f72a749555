package io.github.outboundrelay.mailets.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.mail.Address;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;

class RelayMailSessionsTest {
    final RelayMailSessions sessions = new RelayMailSessions();
    final AtomicInteger made = new AtomicInteger();
    final Supplier<Properties> properties = () -> {
        made.incrementAndGet();
        Properties values = new Properties();
        values.put("mail.smtp.starttls.required", "true");
        return values;
    };

    @Test
    void theSessionOfAClosedConnectionServesTheNextConnectionToTheSameRelay() {
        Session first = sessions.take(RelaySecurity.STARTTLS, "smtp.partner.test", properties);
        sessions.giveBack(RelaySecurity.STARTTLS, "smtp.partner.test", first);

        Session second = sessions.take(RelaySecurity.STARTTLS, "smtp.partner.test", properties);

        assertThat(second).isSameAs(first);
        assertThat(made).hasValue(1);
    }

    @Test
    void relayConnectionsOpenedOneAfterTheOtherRecycleOneSessionAndEachDelivers() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth("alice-login", "alice-secret").start()) {
            RelaySessionFactory factory = new RelaySessionFactory(RelayPeers.testRules(),
                RelayPeers.loopbackTargets());
            SendAsAddress alice = RelayPeers.sendAs("alice@partner.test", "alice@ourdomain.test", peer, RelaySecurity.STARTTLS,
                "alice-login", "alice-secret");
            RelaySessionKey key = RelaySessionKey.of(alice, "alice-secret", new PasswordFingerprints());
            String host = alice.requireRelayAccount().server().host();

            for (String subject : List.of("first", "second", "third")) {
                RelaySession session = factory.open(key, alice, "alice-secret");
                assertThat(factory.mailSessions().spareCount(RelaySecurity.STARTTLS, host)).isZero();
                session.transport().useEnvelopeSender("alice@partner.test");
                MimeMessage message = RelayPeers.message("alice@partner.test", subject);
                session.transport().sendMessage(message, new Address[] {new InternetAddress("carol@elsewhere.test")});
                session.transport().closeQuietly();
                assertThat(factory.mailSessions().spareCount(RelaySecurity.STARTTLS, host)).isEqualTo(1);
            }

            assertThat(peer.awaitMessages(3, Duration.ofSeconds(10))).extracting(ReceivedMail::envelopeSender)
                .containsOnly("alice@partner.test");
            assertThat(peer.connectionCount()).isEqualTo(3);
        }
    }

    @Test
    void aSessionGoesBackWithoutTheEnvelopeSenderOfItsLastMail() {
        Session session = sessions.take(RelaySecurity.STARTTLS, "smtp.partner.test", properties);
        session.getProperties().setProperty("mail.smtp.from", "alice@partner.test");

        sessions.giveBack(RelaySecurity.STARTTLS, "smtp.partner.test", session);

        Session recycled = sessions.take(RelaySecurity.STARTTLS, "smtp.partner.test", properties);
        assertThat(recycled.getProperty("mail.smtp.from")).isNull();
        assertThat(recycled.getProperty("mail.smtp.starttls.required")).isEqualTo("true");
    }

    @Test
    void anotherHostOrTlsModeNeverGetsTheSession() {
        Session session = sessions.take(RelaySecurity.STARTTLS, "smtp.partner.test", properties);
        sessions.giveBack(RelaySecurity.STARTTLS, "smtp.partner.test", session);

        assertThat(sessions.take(RelaySecurity.STARTTLS, "smtp.other.test", properties)).isNotSameAs(session);
        assertThat(sessions.take(RelaySecurity.SMTPS, "smtp.partner.test", properties)).isNotSameAs(session);
        assertThat(made).hasValue(3);
    }

    @Test
    void sessionsInUseAtOnceAreDistinctAndOnlySoManySparesAreKept() {
        List<Session> inUse = new ArrayList<>();
        for (int i = 0; i < RelayMailSessions.MAX_SPARE_PER_RELAY + 10; i++) {
            inUse.add(sessions.take(RelaySecurity.STARTTLS, "smtp.partner.test", properties));
        }
        assertThat(inUse).doesNotHaveDuplicates();

        inUse.forEach(session -> sessions.giveBack(RelaySecurity.STARTTLS, "smtp.partner.test", session));

        assertThat(sessions.spareCount(RelaySecurity.STARTTLS, "smtp.partner.test")).isEqualTo(RelayMailSessions.MAX_SPARE_PER_RELAY);
    }
}
