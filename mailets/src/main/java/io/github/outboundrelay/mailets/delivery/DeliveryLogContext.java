package io.github.outboundrelay.mailets.delivery;

import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.util.MDCBuilder;
import org.apache.mailet.Mail;

import io.github.outboundrelay.core.Printable;
import io.github.outboundrelay.core.SendAsAddress;

/**
 * The log context of one delivery, set once per mail by the worker as James's RemoteDelivery does (James's
 * {@link MDCBuilder}): every line logged while the mail is handled carries its name, its sender (the send-as address)
 * and its relay as MDC keys {@value #MAIL}, {@value #SENDER} and {@value #RELAY}, so the lines themselves do not repeat
 * them. Each value is {@link Printable} (a mail name or an address line break never makes a log line of its own).
 */
final class DeliveryLogContext implements AutoCloseable {
    static final String MAIL = "mail";
    static final String SENDER = "sender";
    static final String RELAY = "relay";

    private final Closeable keys;

    private DeliveryLogContext(Closeable keys) {
        this.keys = keys;
    }

    /** Closed when the mail is handled: the keys are removed from the delivery thread. */
    static DeliveryLogContext of(Mail mail, Optional<MailAddress> sender, Optional<SendAsAddress> sendAs) {
        return new DeliveryLogContext(MDCBuilder.create()
            .addToContext(MAIL, Printable.of(mail.getName()))
            .addToContextIfPresent(SENDER, sender.map(MailAddress::asString).map(Printable::of))
            .addToContextIfPresent(RELAY, sendAs.flatMap(SendAsAddress::relayAccount)
                .map(account -> Printable.of(account.server().host() + ":" + account.server().port())))
            .build());
    }

    @Override
    public void close() {
        try {
            keys.close();
        } catch (IOException e) {
            // MDCBuilder's close only removes the keys: it throws nothing
        }
    }
}
