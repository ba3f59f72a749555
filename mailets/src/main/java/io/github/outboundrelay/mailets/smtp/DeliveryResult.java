package io.github.outboundrelay.mailets.smtp;

import java.util.List;

import org.apache.james.core.MailAddress;

import io.github.outboundrelay.core.RelayOutcome;

/**
 * What one attempt to hand a mail to its relay achieved, recipient by recipient: delivered, refused for good (5xx),
 * or to be tried again; {@link #outcome()} says what the relay made of the attempt (for a mail delivered to some
 * recipients only, what it made of the others).
 */
public record DeliveryResult(List<MailAddress> delivered,
                             List<MailAddress> permanentlyFailed,
                             List<MailAddress> temporarilyFailed,
                             RelayOutcome outcome) {

    public static DeliveryResult success(List<MailAddress> recipients) {
        return new DeliveryResult(List.copyOf(recipients), List.of(), List.of(), new RelayOutcome.Delivered());
    }

    /** Every recipient failed alike: bounced when the relay refused for good, to be tried again otherwise. */
    public static DeliveryResult failed(List<MailAddress> recipients, RelayOutcome outcome) {
        if (outcome.kind() == RelayOutcome.Kind.REFUSED) {
            return new DeliveryResult(List.of(), List.copyOf(recipients), List.of(), outcome);
        }
        return new DeliveryResult(List.of(), List.of(), List.copyOf(recipients), outcome);
    }

    /** The relay's reply or the cause, for logs and DSNs. */
    public String diagnostic() {
        return outcome.detail();
    }

    /** The credentials were refused (or AUTH not offered): the mail waits and its sender is told. */
    public boolean authRejected() {
        return !temporarilyFailed.isEmpty() && outcome.kind().isCredentialFailure();
    }

    public boolean relayBusy() {
        return !temporarilyFailed.isEmpty() && outcome.kind() == RelayOutcome.Kind.BUSY;
    }

    public boolean isCompleteSuccess() {
        return permanentlyFailed.isEmpty() && temporarilyFailed.isEmpty();
    }

    public boolean isPartialDelivery() {
        return !delivered.isEmpty() && !isCompleteSuccess();
    }
}
