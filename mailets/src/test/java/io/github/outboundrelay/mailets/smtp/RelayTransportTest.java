package io.github.outboundrelay.mailets.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import javax.mail.AuthenticationFailedException;
import javax.mail.Session;

import org.junit.jupiter.api.Test;

import io.github.outboundrelay.testing.SmtpPeer;

/**
 * The clear-text AUTH guard, against a real server that offers AUTH without TLS (what a downgrading attacker or a
 * misconfigured relay looks like).
 */
class RelayTransportTest {
    @Test
    void credentialsAreNeverSentOverAnUnencryptedConnectionUnlessExplicitlyAllowed() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireAuth("user", "pass").start()) {
            Properties properties = new Properties();
            properties.put("mail.smtp.auth", "true");
            RelayTransport transport = new RelayTransport(Session.getInstance(properties));

            assertThatThrownBy(() -> transport.connect("localhost", peer.port(), "user", "pass"))
                .isInstanceOf(AuthenticationFailedException.class);
            assertThat(transport.clearTextAuthRefused()).isTrue();
            assertThat(peer.authAttempts()).isZero();
        }
    }

    @Test
    void aNoneRelayTheDomainAdmitsAuthenticatesInClear() throws Exception {
        try (SmtpPeer peer = SmtpPeer.builder().requireAuth("user", "pass").start()) {
            Properties properties = new Properties();
            properties.put("mail.smtp.auth", "true");
            properties.put(RelayTransport.ALLOW_CLEAR_TEXT_AUTH, "true");
            RelayTransport transport = new RelayTransport(Session.getInstance(properties));

            transport.connect("localhost", peer.port(), "user", "pass");

            assertThat(peer.authAttempts()).isEqualTo(1);
            assertThat(transport.isEncrypted()).isFalse();
            transport.closeQuietly();
        }
    }
}
