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

    @Test
    void countsResetsRecordsTheConnectionOfEachMailAndTheMostSimultaneousConnections() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().plain().start()) {
            Session session = Session.getInstance(base(peer));
            try (Transport first = session.getTransport("smtp"); Transport second = session.getTransport("smtp")) {
                first.connect("localhost", peer.port(), null, null);
                second.connect("localhost", peer.port(), null, null);
                first.sendMessage(message(session), new InternetAddress[] {new InternetAddress("to@elsewhere.test")});
                ((com.sun.mail.smtp.SMTPTransport) first).simpleCommand("RSET");
                first.sendMessage(message(session), new InternetAddress[] {new InternetAddress("to@elsewhere.test")});
                second.sendMessage(message(session), new InternetAddress[] {new InternetAddress("to@elsewhere.test")});
            }
            java.util.List<ReceivedMail> mails = peer.awaitMessages(3, Duration.ofSeconds(5));
            assertThat(mails.get(0).connectionId()).isEqualTo(mails.get(1).connectionId()).isNotEqualTo(mails.get(2).connectionId());
            assertThat(peer.resetCount()).isEqualTo(1);
            assertThat(peer.mailFromCount()).isEqualTo(3);
            assertThat(peer.maxSimultaneousConnections()).isEqualTo(2);
        }
    }

    @Test
    void dropsTheConnectionAfterTheNextTransactionOrOnTheNextMailFrom() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().plain().start()) {
            Session session = Session.getInstance(base(peer));
            peer.dropConnectionAfterNextTransaction();
            Transport dropped = session.getTransport("smtp");
            dropped.connect("localhost", peer.port(), null, null);
            dropped.sendMessage(message(session), new InternetAddress[] {new InternetAddress("to@elsewhere.test")});
            assertThatThrownBy(() -> dropped.sendMessage(message(session), new InternetAddress[] {new InternetAddress("to@elsewhere.test")}))
                .isInstanceOf(MessagingException.class);
            peer.dropConnectionOnNextMailFrom();
            Transport droppedOnMail = session.getTransport("smtp");
            droppedOnMail.connect("localhost", peer.port(), null, null);
            assertThatThrownBy(() -> droppedOnMail.sendMessage(message(session), new InternetAddress[] {new InternetAddress("to@elsewhere.test")}))
                .isInstanceOf(MessagingException.class);
            assertThat(peer.mailFromCount()).isEqualTo(1);
            send(base(peer), null, null);
            assertThat(peer.awaitMessages(2, Duration.ofSeconds(5))).hasSize(2);
        }
    }

    @Test
    void acceptsSeveralAccountsAndPasswordChanges() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireAuth("user", "pass").start()) {
            peer.acceptCredentials("other", "secret");
            send(startTls(peer), "other", "secret");
            peer.acceptCredentials("user", "new-pass");
            assertThatThrownBy(() -> send(startTls(peer), "user", "pass")).isInstanceOf(AuthenticationFailedException.class);
            send(startTls(peer), "user", "new-pass");
            assertThat(peer.awaitMessages(2, Duration.ofSeconds(5))).extracting(ReceivedMail::authenticatedUser).containsExactly("other", "user");
        }
    }

    private static MimeMessage message(Session session) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom("from@partner.test");
        message.setSubject("peer test");
        message.setText("hello");
        message.saveChanges();
        return message;
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
