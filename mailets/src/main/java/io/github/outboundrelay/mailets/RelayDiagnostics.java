package io.github.outboundrelay.mailets;

import java.io.IOException;

import javax.mail.MessagingException;

/**
 * Diagnostics for logs and DSNs: the server's reply or the network cause, without anything the client sent (never
 * the AUTH payload).
 */
final class RelayDiagnostics {
    private RelayDiagnostics() {
    }

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
