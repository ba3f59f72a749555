package io.github.outboundrelay.testing;

import java.util.List;
import java.util.Properties;

import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

/**
 * A mail client, as a user's mail program would submit: javax.mail over TCP, STARTTLS when asked, SMTP AUTH when
 * credentials are given. The envelope sender and the From: header are set independently.
 */
public final class SmtpSubmission {
    private final int port;
    private boolean startTls;
    private String user;
    private String password;
    private String envelopeFrom;
    private String fromHeader;
    private List<String> to = List.of("carol@elsewhere.test");
    private String subject = "hello";

    private SmtpSubmission(int port) {
        this.port = port;
    }

    public static SmtpSubmission to(int port) {
        return new SmtpSubmission(port);
    }

    public SmtpSubmission authenticatedAs(String user, String password) {
        this.startTls = true;
        this.user = user;
        this.password = password;
        return this;
    }

    public SmtpSubmission envelopeFrom(String envelopeFrom) {
        this.envelopeFrom = envelopeFrom;
        return this;
    }

    public SmtpSubmission fromHeader(String fromHeader) {
        this.fromHeader = fromHeader;
        return this;
    }

    public SmtpSubmission recipients(String... recipients) {
        this.to = List.of(recipients);
        return this;
    }

    public SmtpSubmission subject(String subject) {
        this.subject = subject;
        return this;
    }

    public void send() throws MessagingException {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(port));
        properties.put("mail.smtp.from", envelopeFrom != null ? envelopeFrom : fromHeader);
        if (startTls) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
            // James's development keystore is self-signed: this test client trusts the local server.
            properties.put("mail.smtp.ssl.trust", "127.0.0.1");
            properties.put("mail.smtp.auth", "true");
        }
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session);
        message.setHeader("From", fromHeader);
        for (String recipient : to) {
            message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        }
        message.setSubject(subject);
        message.setText("Body of " + subject + "\r\n");
        message.saveChanges();
        try (Transport transport = session.getTransport("smtp")) {
            if (user != null) {
                transport.connect("127.0.0.1", port, user, password);
            } else {
                transport.connect();
            }
            transport.sendMessage(message, message.getAllRecipients());
        }
    }
}
