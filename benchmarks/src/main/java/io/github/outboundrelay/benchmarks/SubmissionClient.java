package io.github.outboundrelay.benchmarks;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.MimeMessage;

import com.sun.mail.smtp.SMTPTransport;

/**
 * The mail client of every scenario, as a user's mail program submits: javax.mail over TCP, one connection per mail,
 * STARTTLS required, then SMTP AUTH. The same code writes to James's submission port and, for baseline B, straight to
 * the sink. It trusts whatever certificate 127.0.0.1 presents (James's development keystore is self-signed).
 */
final class SubmissionClient {
    static final String ID_HEADER = "X-Bench-Id";
    static final String RECIPIENT = "carol@elsewhere.test";

    /**
     * One javax.mail session per port and sender, as a mail program keeps its account's session: creating one scans
     * the class path for provider files, which took 8 % of the whole benchmark's CPU when done for every mail.
     */
    private static final Map<String, Session> SESSIONS = new ConcurrentHashMap<>();

    private SubmissionClient() {
    }

    static void send(int port, String login, String password, String sender, String id, String body) throws MessagingException {
        Session session = SESSIONS.computeIfAbsent(port + " " + sender, ignored -> newSession(port, sender));
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(rfc5322(sender, id, body)));
        // The SMTP transport itself: Session.getTransport("smtp") looks the provider up through a ServiceLoader scan
        // of the class path on every call in javax.mail 1.6.2 (7 % of the run's CPU).
        try (Transport transport = new SMTPTransport(session, null)) {
            transport.connect("127.0.0.1", port, login, password);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    /**
     * The message as its bytes, parsed by javax.mail but never re-encoded: written out, an unmodified parsed message
     * is copied in blocks, where {@code setText} made javax.mail encode the body line by line (with the sinks, the
     * harness then took half the CPU of a 100 KiB run on these two cores, starving the James under test).
     */
    private static byte[] rfc5322(String sender, String id, String body) {
        String headers = "From: " + sender + "\r\nTo: " + RECIPIENT + "\r\nSubject: bench " + id + "\r\n" + ID_HEADER + ": " + id
            + "\r\nMessage-ID: <" + id + "@bench.outbound-relay.test>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n";
        return (headers + body).getBytes(StandardCharsets.US_ASCII);
    }

    private static Session newSession(int port, String sender) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(port));
        properties.put("mail.smtp.from", sender);
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.starttls.required", "true");
        properties.put("mail.smtp.ssl.trust", "127.0.0.1");
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.connectiontimeout", "30000");
        properties.put("mail.smtp.timeout", "120000");
        return Session.getInstance(properties);
    }

    /** An ASCII body of {@code bytes} bytes in lines of 78 characters plus CRLF. */
    static String body(int bytes) {
        StringBuilder body = new StringBuilder(bytes);
        String line = "The quick brown fox jumps over the lazy dog, benchmark body line for outbound-relay.";
        while (body.length() < bytes) {
            int room = bytes - body.length();
            if (room <= 2) {
                body.append("\r\n", 0, room);
            } else {
                body.append(line, 0, Math.min(line.length(), Math.min(78, room - 2))).append("\r\n");
            }
        }
        return body.toString();
    }
}
