package io.github.outboundrelay.mailets.smtp;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import javax.mail.MessagingException;
import javax.net.ssl.SSLException;

import io.github.outboundrelay.core.RelayOutcome;

/**
 * Where a relay's answer becomes a {@link RelayOutcome}, once: the session factories and the SMTP client build their
 * outcomes here, with the reply code the detail quotes. TLS failed is told from the exceptions themselves (an
 * {@link SSLException} anywhere in the causes, or a transport that found no STARTTLS or refused to send AUTH
 * unencrypted), never from what their messages say: a relay's reply may well contain "TLS".
 */
public final class RelayOutcomes {
    private RelayOutcomes() {
    }

    static RelayOutcome refused(String detail) {
        return new RelayOutcome.Refused(detail, RelayDiagnostics.replyCode(detail));
    }

    static RelayOutcome deferred(String detail) {
        return new RelayOutcome.Deferred(detail, RelayDiagnostics.replyCode(detail));
    }

    public static RelayOutcome authRejected(String detail) {
        return new RelayOutcome.AuthRejected(detail, RelayDiagnostics.replyCode(detail));
    }

    static RelayOutcome authNotOffered(String detail) {
        return new RelayOutcome.AuthNotOffered(detail, RelayDiagnostics.replyCode(detail));
    }

    static RelayOutcome notAllowedTarget(String detail) {
        return new RelayOutcome.NotAllowedTarget(detail, RelayDiagnostics.replyCode(detail));
    }

    static RelayOutcome unreachable(String detail) {
        return new RelayOutcome.Unreachable(detail, RelayDiagnostics.replyCode(detail));
    }

    static RelayOutcome busy(String detail) {
        return new RelayOutcome.Busy(detail, RelayDiagnostics.replyCode(detail));
    }

    /**
     * A session that could not be opened: TLS failed when the handshake failed or the transport saw TLS missing
     * ({@link RelayTransport#tlsMissing()}), unreachable otherwise.
     */
    static RelayOutcome connectFailure(Throwable failure, RelayTransport transport, String detail) {
        if (transport.tlsMissing() || isTlsFailure(failure)) {
            return new RelayOutcome.TlsFailed(detail, RelayDiagnostics.replyCode(detail));
        }
        return unreachable(detail);
    }

    /** An {@link SSLException} (handshake, untrusted certificate, wrong host name, not TLS at all) among the causes. */
    static boolean isTlsFailure(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable next = failure;
        while (next != null && seen.add(next)) {
            if (next instanceof SSLException) {
                return true;
            }
            Throwable cause = next.getCause();
            if (cause == null && next instanceof MessagingException messaging) {
                cause = messaging.getNextException();
            }
            next = cause;
        }
        return false;
    }
}
