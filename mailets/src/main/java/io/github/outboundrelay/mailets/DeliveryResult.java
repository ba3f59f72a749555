package io.github.outboundrelay.mailets;

import java.util.List;

import org.apache.james.core.MailAddress;

/**
 * What one attempt to hand a mail to its relay achieved, recipient by recipient: delivered, refused for good (5xx),
 * or to be tried again (connection, TLS, timeout, 4xx). {@code authRejected} marks a 535 from the relay.
 */
public record DeliveryResult(List<MailAddress> delivered,
                             List<MailAddress> permanentlyFailed,
                             List<MailAddress> temporarilyFailed,
                             String diagnostic,
                             boolean authRejected) {

    public static DeliveryResult success(List<MailAddress> recipients) {
        return new DeliveryResult(List.copyOf(recipients), List.of(), List.of(), "", false);
    }

    public static DeliveryResult temporaryFailure(List<MailAddress> recipients, String diagnostic) {
        return new DeliveryResult(List.of(), List.of(), List.copyOf(recipients), diagnostic, false);
    }

    public static DeliveryResult permanentFailure(List<MailAddress> recipients, String diagnostic) {
        return new DeliveryResult(List.of(), List.copyOf(recipients), List.of(), diagnostic, false);
    }

    public static DeliveryResult authRejected(List<MailAddress> recipients, String diagnostic) {
        return new DeliveryResult(List.of(), List.of(), List.copyOf(recipients), diagnostic, true);
    }

    public boolean isCompleteSuccess() {
        return permanentlyFailed.isEmpty() && temporarilyFailed.isEmpty();
    }
}
