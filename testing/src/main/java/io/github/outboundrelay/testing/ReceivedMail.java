package io.github.outboundrelay.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One message as a peer received it: the envelope, the exact bytes after DATA, who had authenticated, whether the
 * connection was encrypted at that moment, and which connection (the peer's session id) carried it.
 */
public record ReceivedMail(String envelopeSender, List<String> recipients, byte[] raw, String authenticatedUser,
                           boolean tlsActive, String connectionId) {
    public String content() {
        return new String(raw, StandardCharsets.UTF_8);
    }
}
