package io.github.outboundrelay.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;

import javax.mail.AuthenticationFailedException;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

class SmtpPeerTest {
    @Test
    void startTlsPeerAcceptsAuthenticatedMailAndRecordsIt() throws Exception {
        for (String mechanism : new String[] {"PLAIN", "LOGIN"}) {
            try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth("user", "pass").start()) {
                Properties properties = startTls(peer);
                properties.put("mail.smtp.auth.mechanisms", mechanism);
                send(properties, "user", "pass");

                ReceivedMail mail = peer.awaitMessages(1, Duration.ofSeconds(5)).get(0);
                assertThat(mail.authenticatedUser()).isEqualTo("user");
                assertThat(mail.tlsActive()).isTrue();
                assertThat(mail.envelopeSender()).isEqualTo("from@partner.test");
                assertThat(mail.recipients()).containsExactly("to@elsewhere.test");
                assertThat(mail.content()).contains("Subject: peer test");
            }
        }
    }

    @Test
    void wrongPasswordIsRefused() {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth("user", "pass").start()) {
            assertThatThrownBy(() -> send(startTls(peer), "user", "wrong")).isInstanceOf(AuthenticationFailedException.class);
            assertThat(peer.authAttempts()).isEqualTo(1);
        }
    }

    @Test
    void rejectAllAuthAnswers535() {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().rejectAllAuth().start()) {
            assertThatThrownBy(() -> send(startTls(peer), "user", "pass"))
                .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("535");
        }
    }

    @Test
    void startTlsPeerRefusesMailInClear() {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().start()) {
            Properties properties = base(peer);
            assertThatThrownBy(() -> send(properties, null, null)).isInstanceOf(MessagingException.class);
            assertThat(peer.received()).isEmpty();
        }
    }

    @Test
    void implicitTlsPeerWorks() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().implicitTls().requireAuth("user", "pass").start()) {
            Properties properties = base(peer);
            properties.put("mail.smtp.ssl.enable", "true");
            properties.put("mail.smtp.ssl.socketFactory", TestTls.clientContext().getSocketFactory());
            properties.put("mail.smtp.ssl.checkserveridentity", "true");
            send(properties, "user", "pass");
            assertThat(peer.awaitMessages(1, Duration.ofSeconds(5)).get(0).authenticatedUser()).isEqualTo("user");
        }
    }

    @Test
    void plainPeerRecordsWithoutAuthAndCountsConnections() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().plain().start()) {
            send(base(peer), null, null);
            ReceivedMail mail = peer.awaitMessages(1, Duration.ofSeconds(5)).get(0);
            assertThat(mail.authenticatedUser()).isNull();
            assertThat(mail.tlsActive()).isFalse();
            assertThat(peer.connectionCount()).isEqualTo(1);
        }
    }

    @Test
    void untrustedCertificateIsRefusedByAVerifyingClient() {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().withUntrustedCertificate().start()) {
            assertThatThrownBy(() -> send(startTls(peer), null, null)).isInstanceOf(MessagingException.class);
            assertThat(peer.received()).isEmpty();
        }
    }

    @Test
    void scriptedRefusals() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().plain().start()) {
            peer.failNextTransactions(1, 451, "4.3.0 later");
            assertThatThrownBy(() -> send(base(peer), null, null)).isInstanceOf(MessagingException.class).hasMessageContaining("451");
            send(base(peer), null, null);
            assertThat(peer.awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
        }
    }

    private static Properties base(SmtpPeer peer) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "localhost");
        properties.put("mail.smtp.port", String.valueOf(peer.port()));
        properties.put("mail.smtp.from", "from@partner.test");
        return properties;
    }

    private static Properties startTls(SmtpPeer peer) {
        Properties properties = base(peer);
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.starttls.required", "true");
        properties.put("mail.smtp.ssl.socketFactory", TestTls.clientContext().getSocketFactory());
        properties.put("mail.smtp.ssl.checkserveridentity", "true");
        return properties;
    }

    private static void send(Properties properties, String user, String password) throws MessagingException {
        properties.put("mail.smtp.auth", String.valueOf(user != null));
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session);
        message.setFrom("from@partner.test");
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("to@elsewhere.test"));
        message.setSubject("peer test");
        message.setText("hello");
        message.saveChanges();
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(properties.getProperty("mail.smtp.host"), Integer.parseInt(properties.getProperty("mail.smtp.port")), user, password);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }
}
