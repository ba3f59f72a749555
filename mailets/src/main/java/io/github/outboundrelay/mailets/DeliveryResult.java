package io.github.outboundrelay.mailets;

import java.util.List;

import org.apache.james.core.MailAddress;

/**
 * What one attempt to hand a mail to its relay achieved, recipient by recipient: delivered, refused for good (5xx),
 * or to be tried again. {@link Deferral} says why the temporarily failed ones were not delivered.
 */
public record DeliveryResult(List<MailAddress> delivered,
                             List<MailAddress> permanentlyFailed,
                             List<MailAddress> temporarilyFailed,
                             String diagnostic,
                             Deferral deferral) {

    public enum Deferral {
        /** A 4xx reply or a failure during the transaction: a failed attempt, retried with the doubling delay. */
        RELAY_FAILURE,
        /** No session could be opened (DNS, TCP, TLS, a refused AUTH mechanism): retried like RELAY_FAILURE. */
        RELAY_UNREACHABLE,
        /** The relay refused the credentials (535/534). */
        AUTH_REJECTED,
        /** Every allowed connection to the relay stayed busy: nothing was tried, so no attempt is counted. */
        RELAY_BUSY
    }

    public static DeliveryResult success(List<MailAddress> recipients) {
        return new DeliveryResult(List.copyOf(recipients), List.of(), List.of(), "", Deferral.RELAY_FAILURE);
    }

    public static DeliveryResult temporaryFailure(List<MailAddress> recipients, String diagnostic) {
        return new DeliveryResult(List.of(), List.of(), List.copyOf(recipients), diagnostic, Deferral.RELAY_FAILURE);
    }

    public static DeliveryResult unreachable(List<MailAddress> recipients, String diagnostic) {
        return new DeliveryResult(List.of(), List.of(), List.copyOf(recipients), diagnostic, Deferral.RELAY_UNREACHABLE);
    }

    public static DeliveryResult permanentFailure(List<MailAddress> recipients, String diagnostic) {
        return new DeliveryResult(List.of(), List.copyOf(recipients), List.of(), diagnostic, Deferral.RELAY_FAILURE);
    }

    public static DeliveryResult authRejected(List<MailAddress> recipients, String diagnostic) {
        return new DeliveryResult(List.of(), List.of(), List.copyOf(recipients), diagnostic, Deferral.AUTH_REJECTED);
    }

    public static DeliveryResult relayBusy(List<MailAddress> recipients, String diagnostic) {
        return new DeliveryResult(List.of(), List.of(), List.copyOf(recipients), diagnostic, Deferral.RELAY_BUSY);
    }

    public boolean authRejected() {
        return !temporarilyFailed.isEmpty() && deferral == Deferral.AUTH_REJECTED;
    }

    public boolean relayBusy() {
        return !temporarilyFailed.isEmpty() && deferral == Deferral.RELAY_BUSY;
    }

    public boolean isCompleteSuccess() {
        return permanentlyFailed.isEmpty() && temporarilyFailed.isEmpty();
    }
}
