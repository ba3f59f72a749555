package io.github.outboundrelay.mailets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.Address;
import javax.mail.AuthenticationFailedException;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLSocketFactory;

import org.apache.james.core.MailAddress;

import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;
import com.sun.mail.smtp.SMTPTransport;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;

/**
 * One SMTP transaction with a send-as relay: connect with the address's TLS mode (certificate and host name
 * verified, STARTTLS never skipped), authenticate, send to all recipients at once with the send-as address as
 * envelope sender, and say per recipient what happened. The message is written as it is: no header is added.
 */
class RelaySmtpClient {
    private final RelayDeliveryConfiguration configuration;
    private final SSLSocketFactory tlsSocketFactory;

    RelaySmtpClient(RelayDeliveryConfiguration configuration) {
        this.configuration = configuration;
        this.tlsSocketFactory = RelayTrust.socketFactory(configuration.extraTrustStore());
    }

    DeliveryResult send(SendAsAddress sendAs, String password, MimeMessage message, List<MailAddress> recipients) {
        Session session = Session.getInstance(properties(sendAs));
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(sendAs.relay().host(), sendAs.relay().port(), sendAs.relayUsername(), password);
            transport.sendMessage(message, toInternetAddresses(recipients));
            return DeliveryResult.success(recipients);
        } catch (AuthenticationFailedException e) {
            return DeliveryResult.authRejected(recipients, "Relay " + sendAs.relay().host() + " rejected the credentials of "
                + sendAs.address().asString() + ": " + describe(e));
        } catch (SendFailedException e) {
            return classify(recipients, e);
        } catch (MessagingException e) {
            return DeliveryResult.temporaryFailure(recipients, "Relay " + sendAs.relay().host() + " could not be used: " + describe(e));
        }
    }

    private Properties properties(SendAsAddress sendAs) {
        Properties properties = new Properties();
        RelaySecurity security = sendAs.relay().security();
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.from", sendAs.address().asString());
        // Accepted recipients still get the mail when others are refused; the refused ones are reported.
        properties.put("mail.smtp.sendpartial", "true");
        properties.put("mail.smtp.connectiontimeout", String.valueOf(configuration.connectionTimeout().toMillis()));
        properties.put("mail.smtp.timeout", String.valueOf(configuration.commandTimeout().toMillis()));
        properties.put("mail.smtp.writetimeout", String.valueOf(configuration.commandTimeout().toMillis()));
        if (security == RelaySecurity.SMTPS) {
            properties.put("mail.smtp.ssl.enable", "true");
        }
        if (security == RelaySecurity.STARTTLS) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
        }
        if (security.isEncrypted()) {
            properties.put("mail.smtp.ssl.socketFactory", tlsSocketFactory);
            properties.put("mail.smtp.ssl.checkserveridentity", "true");
        }
        return properties;
    }

    private DeliveryResult classify(List<MailAddress> recipients, SendFailedException e) {
        Set<String> sent = addresses(e.getValidSentAddresses());
        List<MailAddress> delivered = new ArrayList<>();
        List<MailAddress> permanent = new ArrayList<>();
        List<MailAddress> temporary = new ArrayList<>();
        boolean permanentWholeTransaction = e instanceof SMTPSendFailedException failed && failed.getReturnCode() >= 500;
        for (MailAddress recipient : recipients) {
            if (sent.contains(recipient.asString())) {
                delivered.add(recipient);
            } else if (permanentWholeTransaction || isPermanentlyRefused(recipient, e)) {
                permanent.add(recipient);
            } else {
                temporary.add(recipient);
            }
        }
        return new DeliveryResult(delivered, permanent, temporary, describe(e), false);
    }

    /** Looks for the RCPT reply of that recipient in the exception chain. */
    private static boolean isPermanentlyRefused(MailAddress recipient, MessagingException e) {
        Exception next = e;
        while (next instanceof MessagingException messagingException) {
            if (next instanceof SMTPAddressFailedException addressFailed
                && addressFailed.getAddress().getAddress().equalsIgnoreCase(recipient.asString())) {
                return addressFailed.getReturnCode() >= 500;
            }
            next = messagingException.getNextException();
        }
        return false;
    }

    private static Set<String> addresses(Address[] addresses) {
        if (addresses == null) {
            return Set.of();
        }
        return java.util.Arrays.stream(addresses)
            .map(address -> ((InternetAddress) address).getAddress())
            .collect(Collectors.toSet());
    }

    private static InternetAddress[] toInternetAddresses(List<MailAddress> recipients) throws MessagingException {
        InternetAddress[] addresses = new InternetAddress[recipients.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = recipients.get(i).toInternetAddress()
                .orElseThrow(() -> new MessagingException("Recipient cannot be written as an internet address"));
        }
        return addresses;
    }

    /** The server's reply or the network cause, without anything the client sent (never the AUTH payload). */
    static String describe(Exception e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()).trim());
        Throwable cause = e instanceof MessagingException messaging && messaging.getNextException() != null
            ? messaging.getNextException() : e.getCause();
        if (cause instanceof IOException || cause instanceof MessagingException) {
            text.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(String.valueOf(cause.getMessage()).trim()).append(')');
        }
        return text.toString();
    }
}
