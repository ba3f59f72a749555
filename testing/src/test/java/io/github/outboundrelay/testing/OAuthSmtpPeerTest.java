package io.github.outboundrelay.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import javax.mail.AuthenticationFailedException;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OAuth partner relay against tokens of the real authorization server: javax.mail's own XOAUTH2 client (an
 * implementation independent of ours) and a hand-written OAUTHBEARER exchange.
 */
class OAuthSmtpPeerTest {
    private static final String ALICE = "alice@partner.test";
    @RegisterExtension
    static final OAuthTestServerExtension OAUTH = new OAuthTestServerExtension();

    @Test
    void validTokenIsAcceptedOverXoauth2AndTheMailRecordedForTheAccount() throws Exception {
        try (SmtpPeer peer = oauthPeer()) {
            sendWithXoauth2(peer, ALICE, OAUTH.server().issueAccessToken(ALICE, OAuthTestServer.AUDIENCE, 600));

            ReceivedMail mail = peer.awaitMessages(1, Duration.ofSeconds(5)).get(0);
            assertThat(mail.authenticatedUser()).isEqualTo(ALICE);
            assertThat(mail.tlsActive()).isTrue();
            assertThat(peer.authMechanismsAccepted()).containsExactly("XOAUTH2");
        }
    }

    @Test
    void tokenForAnotherAudienceIsRefused() {
        try (SmtpPeer peer = oauthPeer()) {
            String token = OAUTH.server().issueAccessToken(ALICE, "https://graph.partner.test", 600);
            assertThatThrownBy(() -> sendWithXoauth2(peer, ALICE, token)).isInstanceOf(AuthenticationFailedException.class);
            assertThat(peer.tokenRefusals()).singleElement().asString().contains("aud");
            assertThat(peer.received()).isEmpty();
        }
    }

    @Test
    void expiredTokenIsRefused() {
        try (SmtpPeer peer = oauthPeer()) {
            String token = OAUTH.server().issueAccessToken(ALICE, OAuthTestServer.AUDIENCE, -5);
            assertThatThrownBy(() -> sendWithXoauth2(peer, ALICE, token)).isInstanceOf(AuthenticationFailedException.class);
            assertThat(peer.tokenRefusals()).singleElement().asString().containsIgnoringCase("expired");
        }
    }

    @Test
    void tokenSignedByAnotherServerIsRefused() {
        try (OAuthTestServer other = OAuthTestServer.start(); SmtpPeer peer = oauthPeer()) {
            String token = other.issueAccessToken(ALICE, OAuthTestServer.AUDIENCE, 600);
            assertThatThrownBy(() -> sendWithXoauth2(peer, ALICE, token)).isInstanceOf(AuthenticationFailedException.class);
            assertThat(peer.tokenRefusals()).hasSize(1);
        }
    }

    @Test
    void tokenOfAnotherAccountIsRefused() {
        try (SmtpPeer peer = oauthPeer()) {
            String bobsToken = OAUTH.server().issueAccessToken("bob@partner.test", OAuthTestServer.AUDIENCE, 600);
            assertThatThrownBy(() -> sendWithXoauth2(peer, ALICE, bobsToken)).isInstanceOf(AuthenticationFailedException.class);
            assertThat(peer.tokenRefusals()).singleElement().asString().contains("another account");
        }
    }

    @Test
    void oauthBearerExchangeAndItsErrorChallenge() throws Exception {
        try (SmtpPeer peer = oauthPeer(); RawSmtp smtp = RawSmtp.startTls(peer.port())) {
            assertThat(smtp.ehloLines()).anyMatch(line -> line.contains("AUTH") && line.contains("OAUTHBEARER")
                && line.contains("XOAUTH2") && !line.contains("PLAIN"));
            assertThat(smtp.command("AUTH PLAIN " + base64("\0" + ALICE + "\0secret"))).startsWith("504");

            String expired = OAUTH.server().issueAccessToken(ALICE, OAuthTestServer.AUDIENCE, -5);
            String challenge = smtp.command("AUTH OAUTHBEARER " + oauthBearer(ALICE, expired));
            assertThat(challenge).startsWith("334 ");
            assertThat(new String(Base64.getDecoder().decode(challenge.substring(4).trim()), StandardCharsets.UTF_8))
                .contains("\"status\":\"invalid_token\"");
            assertThat(smtp.command("AQ==")).startsWith("535");

            String valid = OAUTH.server().issueAccessToken(ALICE, OAuthTestServer.AUDIENCE, 600);
            assertThat(smtp.command("AUTH OAUTHBEARER " + oauthBearer(ALICE, valid))).startsWith("235");
            assertThat(peer.authMechanismsAccepted()).containsExactly("OAUTHBEARER");
        }
    }

    @Test
    void peerCanAnnounceOnlyOneMechanism() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator(), List.of("XOAUTH2")).start();
             RawSmtp smtp = RawSmtp.startTls(peer.port())) {
            assertThat(smtp.ehloLines()).anyMatch(line -> line.contains("AUTH") && line.contains("XOAUTH2")
                && !line.contains("OAUTHBEARER"));
            String valid = OAUTH.server().issueAccessToken(ALICE, OAuthTestServer.AUDIENCE, 600);
            assertThat(smtp.command("AUTH OAUTHBEARER " + oauthBearer(ALICE, valid))).startsWith("504");
        }
    }

    private static SmtpPeer oauthPeer() {
        return SmtpPeer.builder().requireStartTls().requireOAuth(OAUTH.server().validator()).start();
    }

    private static String oauthBearer(String account, String token) {
        return base64("n,a=" + account + ",\u0001host=localhost\u0001port=587\u0001auth=Bearer " + token + "\u0001\u0001");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** javax.mail 1.6.2's built-in XOAUTH2 (off unless named in mail.smtp.auth.mechanisms): user + token as password. */
    private static void sendWithXoauth2(SmtpPeer peer, String account, String token) throws MessagingException {
        Properties properties = new Properties();
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.starttls.required", "true");
        properties.put("mail.smtp.ssl.socketFactory", TestTls.clientContext().getSocketFactory());
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.auth.mechanisms", "XOAUTH2");
        properties.put("mail.smtp.from", account);
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(account);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("to@elsewhere.test"));
        message.setSubject("oauth");
        message.setText("hello");
        message.saveChanges();
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect("localhost", peer.port(), account, token);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    /** A minimal SMTP client: EHLO, STARTTLS with the test CA, EHLO again, then one line per command. */
    private static final class RawSmtp implements AutoCloseable {
        private Socket socket;
        private BufferedReader in;
        private OutputStream out;
        private List<String> ehlo;

        static RawSmtp startTls(int port) throws IOException {
            RawSmtp smtp = new RawSmtp();
            smtp.attach(new Socket("127.0.0.1", port));
            smtp.reply();
            smtp.multiline("EHLO client.test");
            assertThat(smtp.command("STARTTLS")).startsWith("220");
            SSLSocket tls = (SSLSocket) TestTls.clientContext().getSocketFactory()
                .createSocket(smtp.socket, "localhost", port, true);
            tls.startHandshake();
            smtp.attach(tls);
            smtp.ehlo = smtp.multiline("EHLO client.test");
            return smtp;
        }

        private void attach(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(5000);
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = socket.getOutputStream();
        }

        List<String> ehloLines() {
            return ehlo;
        }

        String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply();
        }

        private List<String> multiline(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> lines = new java.util.ArrayList<>();
            String next;
            do {
                next = in.readLine();
                lines.add(next);
            } while (next != null && next.length() > 3 && next.charAt(3) == '-');
            return lines;
        }

        private String reply() throws IOException {
            String line;
            do {
                line = in.readLine();
            } while (line != null && line.length() > 3 && line.charAt(3) == '-');
            return line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
