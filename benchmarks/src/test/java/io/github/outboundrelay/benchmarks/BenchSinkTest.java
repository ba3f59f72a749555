package io.github.outboundrelay.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.mail.AuthenticationFailedException;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.mail.smtp.SMTPTransport;

import io.github.outboundrelay.testing.TestTls;

class BenchSinkTest {
    private static final String LOGIN = "relay@partner.test";
    private static final String PASSWORD = "relay-secret";

    private final List<String> acceptedIds = new CopyOnWriteArrayList<>();
    private BenchSink sink;

    @BeforeEach
    void startSink() {
        sink = new BenchSink().acceptCredentials(LOGIN, PASSWORD);
        sink.listen((id, acceptedNanos) -> acceptedIds.add(id));
    }

    @AfterEach
    void closeSink() {
        sink.close();
    }

    @Test
    void acceptsSeveralMailsOverOneConnectionWhateverTheirBodies() throws Exception {
        // Lines that are "." or start with one: javax.mail stuffs them, and the sink must not end the message there.
        String dottedBody = ".\r\n..\r\n.leading dot\r\n" + SubmissionClient.body(100 * 1024) + ".\r\n";
        Session session = session("LOGIN");
        try (SMTPTransport transport = new SMTPTransport(session, null)) {
            transport.connect("localhost", sink.port(), LOGIN, PASSWORD);
            send(transport, message(session, "big", dottedBody));
            send(transport, message(session, "small", "one line\r\n"));
        }

        assertThat(acceptedIds).containsExactly("big", "small");
        assertThat(sink.connectionCount()).isEqualTo(1);
    }

    @Test
    void acceptsAuthPlain() throws Exception {
        Session session = session("PLAIN");
        try (SMTPTransport transport = new SMTPTransport(session, null)) {
            transport.connect("localhost", sink.port(), LOGIN, PASSWORD);
            send(transport, message(session, "plain", "body\r\n"));
        }

        assertThat(acceptedIds).containsExactly("plain");
    }

    @Test
    void refusesWrongCredentialsAndAcceptsNothing() {
        Session session = session("LOGIN");
        assertThatThrownBy(() -> {
            try (SMTPTransport transport = new SMTPTransport(session, null)) {
                transport.connect("localhost", sink.port(), LOGIN, "wrong");
            }
        }).isInstanceOf(AuthenticationFailedException.class);

        assertThat(acceptedIds).isEmpty();
    }

    @Test
    void requiresStartTlsThenAuthAndFindsTheIdHoweverTheMessageIsSplit() throws Exception {
        try (Socket plain = new Socket("127.0.0.1", sink.port())) {
            Dialogue dialogue = new Dialogue(plain);
            assertThat(dialogue.reply()).startsWith("220");
            assertThat(dialogue.send("EHLO client")).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(dialogue.send("MAIL FROM:<a@b.test>")).startsWith("530");
            assertThat(dialogue.send("AUTH LOGIN")).startsWith("530");
            assertThat(dialogue.send("STARTTLS")).startsWith("220");

            SSLSocket tls = (SSLSocket) TestTls.clientContext().getSocketFactory()
                .createSocket(plain, "localhost", plain.getPort(), true);
            dialogue = new Dialogue(tls);
            assertThat(dialogue.send("EHLO client")).contains("AUTH PLAIN LOGIN").doesNotContain("PIPELINING");
            assertThat(dialogue.send("MAIL FROM:<a@b.test>")).startsWith("530");
            assertThat(dialogue.send("RCPT TO:<c@d.test>")).startsWith("503");
            String credentials = Base64.getEncoder().encodeToString(("\0" + LOGIN + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(dialogue.send("AUTH PLAIN " + credentials)).startsWith("235");
            assertThat(dialogue.send("MAIL FROM:<a@b.test>")).startsWith("250");
            assertThat(dialogue.send("RCPT TO:<c@d.test>")).startsWith("250");
            assertThat(dialogue.send("DATA")).startsWith("354");
            // Each flush is a TLS record of its own: the header and the terminator arrive in pieces.
            dialogue.write("Subject: split\r\nX-Bench");
            dialogue.write("-Id: split-id\r\n\r\nbody\r\n.");
            dialogue.write("\r");
            dialogue.write("\n");
            assertThat(dialogue.reply()).startsWith("250");
            assertThat(dialogue.send("QUIT")).startsWith("221");
        }

        assertThat(acceptedIds).containsExactly("split-id");
    }

    @Test
    void findsTheEndOfDataAndTheIdWhereverTwoBlocksSplitThem() {
        byte[] stream = "X-Bench-Id: abc\r\n\r\nbody\r\n..\r\n.x\r\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII);
        int messageEnd = stream.length - "QUIT\r\n".length();
        for (int split = 0; split <= stream.length; split++) {
            DataScanner scanner = new DataScanner();
            int endInFirst = scanner.scan(stream, 0, split);
            int end = endInFirst >= 0 ? endInFirst : scanner.scan(stream, split, stream.length);

            assertThat(end).as("split at %d", split).isEqualTo(messageEnd);
            assertThat(endInFirst >= 0).as("split at %d", split).isEqualTo(split >= messageEnd);
            assertThat(scanner.id()).as("split at %d", split).isEqualTo("abc");
        }
    }

    @Test
    void findsTheEndOfDataWhereverThreeBlocksSplitTheTerminator() {
        byte[] stream = "a\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int first = 1; first < stream.length; first++) {
            for (int second = first; second < stream.length; second++) {
                DataScanner scanner = new DataScanner();
                assertThat(scanner.scan(stream, 0, first)).isEqualTo(-1);
                assertThat(scanner.scan(stream, first, second)).isEqualTo(-1);
                assertThat(scanner.scan(stream, second, stream.length)).as("split at %d and %d", first, second).isEqualTo(stream.length);
            }
        }
    }

    @Test
    void anEmptyMessageEndsAtItsFirstLine() {
        byte[] stream = ".\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII);
        DataScanner scanner = new DataScanner();

        assertThat(scanner.scan(stream, 0, stream.length)).isEqualTo(3);
        assertThat(scanner.id()).isNull();
    }

    @Test
    void ignoresAnIdHeaderInTheBody() {
        byte[] stream = "Subject: x\r\n\r\nX-Bench-Id: body\r\n.\r\n".getBytes(StandardCharsets.US_ASCII);
        DataScanner scanner = new DataScanner();

        assertThat(scanner.scan(stream, 0, stream.length)).isEqualTo(stream.length);
        assertThat(scanner.id()).isNull();
    }

    /** A client as RemoteDelivery and the relay mailet are: STARTTLS required, the sink's name and CA checked. */
    private static Session session(String authMechanism) {
        Properties properties = new Properties();
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.starttls.required", "true");
        properties.put("mail.smtp.ssl.socketFactory", TestTls.clientContext().getSocketFactory());
        properties.put("mail.smtp.ssl.checkserveridentity", "true");
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.auth.mechanisms", authMechanism);
        properties.put("mail.smtp.timeout", "10000");
        return Session.getInstance(properties);
    }

    private static MimeMessage message(Session session, String id, String body) throws MessagingException {
        String raw = "From: a@b.test\r\nTo: c@d.test\r\nSubject: test\r\n" + SubmissionClient.ID_HEADER + ": " + id + "\r\n\r\n" + body;
        return new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
    }

    private static void send(SMTPTransport transport, MimeMessage message) throws MessagingException {
        transport.sendMessage(message, message.getAllRecipients());
        assertThat(transport.getLastReturnCode()).isEqualTo(250);
    }

    /** Raw SMTP lines over a socket; a reply is all its lines. */
    private static final class Dialogue {
        private final BufferedReader in;
        private final OutputStream out;

        Dialogue(Socket socket) throws IOException {
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = socket.getOutputStream();
        }

        String send(String line) throws IOException {
            write(line + "\r\n");
            return reply();
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        String reply() throws IOException {
            StringBuilder reply = new StringBuilder();
            String line;
            do {
                line = in.readLine();
                reply.append(line).append('\n');
            } while (line != null && line.length() > 3 && line.charAt(3) == '-');
            return reply.toString();
        }
    }
}
