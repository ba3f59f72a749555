package io.github.outboundrelay.mailets.smtp;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.metrics.api.MetricFactory;

import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;

import io.github.outboundrelay.core.RelayLogin;
import io.github.outboundrelay.core.RelayOutcome;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.net.RelayConnectionRules;
import io.github.outboundrelay.mailets.RelayDeliveryConfiguration;

/**
 * One SMTP transaction with a send-as relay over a pooled authenticated session: all recipients at once, the send-as
 * address as envelope sender, the message written as it is (no header added), and per recipient what happened.
 *
 * <p>A pooled session the server dropped while it was idle is not a delivery failure: when the connection is lost
 * before the relay accepted MAIL FROM, nothing can have been delivered, so the mail is sent again at once on a new
 * session.</p>
 */
public class RelaySmtpClient implements AutoCloseable {
    private static final int CONNECTION_CLOSED = -1;
    private static final int SERVICE_CLOSING = 421;
    private static final int DATA_ACCEPTED = 250;

    private final RelayDeliveryConfiguration configuration;
    private final RelayConnectionRules rules;
    private final RelaySessions sessionFactory;
    private final RelaySessionPool pool;
    private final PasswordFingerprints fingerprints = new PasswordFingerprints();
    private final ScheduledExecutorService deadlineTimer;

    /** Password addresses only. */
    RelaySmtpClient(RelayDeliveryConfiguration configuration, RelaySessionFactory sessionFactory, MetricFactory metricFactory,
                    Clock clock) {
        this(configuration, sessionFactory.rules(), new RelaySessions(sessionFactory, null), metricFactory, clock);
    }

    public RelaySmtpClient(RelayDeliveryConfiguration configuration, RelayConnectionRules rules, RelaySessions sessionFactory,
                    MetricFactory metricFactory, Clock clock) {
        this.configuration = configuration;
        this.rules = rules;
        this.sessionFactory = sessionFactory;
        this.pool = new RelaySessionPool(configuration.pool(), metricFactory, clock);
        this.deadlineTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "outbound-relay-attempt-deadline");
            thread.setDaemon(true);
            return thread;
        });
    }

    DeliveryResult send(SendAsAddress sendAs, String password, MimeMessage message, List<MailAddress> recipients) {
        return send(sendAs, new RelayLogin.WithPassword(password), message, recipients);
    }

    public DeliveryResult send(SendAsAddress sendAs, RelayLogin login, MimeMessage message, List<MailAddress> recipients) {
        return sendWithin(sendAs, configuration.attemptTimeout(), () -> sendWithin(sendAs, login, message, recipients, null));
    }

    /**
     * The mailet's attempt at once: only when an idle session of the account and a delivery slot are free right now
     * (no waiting, no connecting: otherwise nothing is attempted and the result is empty), and within {@code limit}.
     */
    public Optional<DeliveryResult> sendOnIdleSession(SendAsAddress sendAs, RelayLogin login, MimeMessage message,
                                               List<MailAddress> recipients, Duration limit) {
        Optional<RelaySession> idle;
        try {
            idle = pool.acquireIdleNow(RelaySessionKey.of(sendAs, login, fingerprints));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return idle.map(session -> sendWithin(sendAs, limit, () -> sendWithin(sendAs, login, message, recipients, session)));
    }

    private DeliveryResult sendWithin(SendAsAddress sendAs, Duration limit, Supplier<DeliveryResult> attempt) {
        try (AttemptDeadline deadline = AttemptDeadline.begin(deadlineTimer, limit)) {
            DeliveryResult result = attempt.get();
            if (deadline.expired() && !result.temporarilyFailed().isEmpty()) {
                return new DeliveryResult(result.delivered(), result.permanentlyFailed(), result.temporarilyFailed(),
                    RelayOutcomes.deferred("Relay " + sendAs.requireRelayAccount().server().host()
                        + " did not complete the attempt within " + deadline.limit() + " (attemptTimeout): "
                        + result.diagnostic()));
            }
            return result;
        }
    }

    /** @param acquired a session already handed out for this mail, or null to take one from the pool */
    private DeliveryResult sendWithin(SendAsAddress sendAs, RelayLogin login, MimeMessage message, List<MailAddress> recipients,
                                      RelaySession acquired) {
        RelaySessionKey key = RelaySessionKey.of(sendAs, login, fingerprints);
        try {
            InternetAddress[] addresses = toInternetAddresses(recipients);
            return sendOverPool(key, sendAs, login, message, addresses, recipients, acquired);
        } catch (NoConnectionSlotException e) {
            return DeliveryResult.failed(recipients, RelayOutcomes.busy(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DeliveryResult.failed(recipients, RelayOutcomes.busy("Interrupted while waiting for a connection to "
                + key.relay()));
        } catch (MessagingException e) {
            if (acquired != null) {
                pool.release(acquired, true); // nothing was sent on it
            }
            return DeliveryResult.failed(recipients, RelayOutcomes.deferred("Mail could not be prepared for "
                + sendAs.requireRelayAccount().server().host() + ": " + RelayDiagnostics.describe(e)));
        }
    }

    private DeliveryResult sendOverPool(RelaySessionKey key, SendAsAddress sendAs, RelayLogin login, MimeMessage message,
                                        InternetAddress[] addresses, List<MailAddress> recipients, RelaySession acquired)
            throws NoConnectionSlotException, InterruptedException {
        boolean freshOnly = false;
        RelaySession handedOut = acquired;
        while (true) {
            RelaySession session;
            try {
                session = handedOut != null ? handedOut
                    : pool.acquire(key, () -> sessionFactory.open(key, sendAs, login), rules.connectionTimeout(), freshOnly);
                handedOut = null;
            } catch (RelayConnectException e) {
                // Deferred whatever the reason, a target that is not allowed too (DNS may point elsewhere again; the
                // lifetime ends it): the worker reads in the outcome whether the credentials are at fault.
                return DeliveryResult.failed(recipients, e.outcome());
            }
            AttemptDeadline.watchCurrent(session.transport());
            try {
                // One pooled session may carry mail of several send-as addresses of one account: the envelope sender
                // is set on the session for each mail (no copy of the message), which only this thread uses now.
                session.transport().useEnvelopeSender(sendAs.address().asString());
                session.transport().sendMessage(message, addresses);
                session.messageSent();
                pool.release(session, true);
                return DeliveryResult.success(recipients);
            } catch (MessagingException | RuntimeException e) {
                boolean dataAccepted = e instanceof SMTPSendFailedException failed && failed.getReturnCode() == DATA_ACCEPTED;
                boolean staleSession = !freshOnly && session.wasReused() && !session.transport().mailFromAccepted()
                    && isConnectionLoss(e);
                if (dataAccepted) {
                    // Some recipients refused, the others got the mail: a complete transaction, the session is clean.
                    session.messageSent();
                }
                pool.release(session, dataAccepted);
                if (staleSession) {
                    freshOnly = true;
                    continue;
                }
                if (e instanceof SendFailedException sendFailed) {
                    return classify(recipients, sendFailed);
                }
                return DeliveryResult.failed(recipients, RelayOutcomes.deferred("Relay "
                    + sendAs.requireRelayAccount().server().host() + " could not be used: " + RelayDiagnostics.describe(e)));
            }
        }
    }

    /** The server closed the connection (EOF, 421) or the socket failed: what an expired idle session looks like. */
    private static boolean isConnectionLoss(Exception e) {
        if (e instanceof IllegalStateException) {
            return true; // javax.mail: "Not connected"
        }
        if (e instanceof SMTPSendFailedException failed
            && (failed.getReturnCode() == CONNECTION_CLOSED || failed.getReturnCode() == SERVICE_CLOSING)) {
            return true;
        }
        return e instanceof MessagingException messaging && messaging.getNextException() instanceof IOException;
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
        String detail = RelayDiagnostics.describe(e);
        RelayOutcome outcome = !temporary.isEmpty() ? RelayOutcomes.deferred(detail)
            : !permanent.isEmpty() ? RelayOutcomes.refused(detail) : new RelayOutcome.Delivered();
        return new DeliveryResult(delivered, permanent, temporary, outcome);
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
        return Arrays.stream(addresses)
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

    /** For tests and monitoring: sessions kept open unused right now. */
    public RelaySessionPool pool() {
        return pool;
    }

    /** Closes sessions unused for longer than {@code poolIdleTimeout}; the worker calls it periodically. */
    public void closeIdleSessions() {
        pool.closeExpired();
    }

    @Override
    public void close() {
        deadlineTimer.shutdownNow();
        pool.close();
    }
}
