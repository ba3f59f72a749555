package io.github.outboundrelay.mailets.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Optional;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelayOutcome;

class RelayOutcomesTest {
    private final RelayTransport transport = new RelayTransport(Session.getInstance(new Properties()));

    @Test
    void anSslExceptionNestedAsACauseIsTlsFailed() {
        MessagingException failure = new MessagingException("Could not convert socket to TLS",
            new IOException("wrapped", new SSLHandshakeException("PKIX path building failed")));

        RelayOutcome outcome = RelayOutcomes.connectFailure(failure, transport, "Relay x could not be used");

        assertThat(outcome).isInstanceOf(RelayOutcome.TlsFailed.class);
        assertThat(outcome.kind()).isEqualTo(RelayOutcome.Kind.TLS_FAILED);
        assertThat(outcome.detail()).isEqualTo("Relay x could not be used");
    }

    @Test
    void anSslExceptionAsJavaxMailsNextExceptionIsTlsFailed() {
        MessagingException failure = new MessagingException("Could not connect");
        failure.setNextException(new SSLHandshakeException("No name matching relay.partner.test found"));

        assertThat(RelayOutcomes.isTlsFailure(failure)).isTrue();
    }

    @Test
    void aMessageSpeakingOfTlsWithoutAnSslExceptionIsNotTlsFailed() {
        MessagingException failure = new MessagingException("421 4.7.0 TLS handshake certificate SSL trouble, try later",
            new ConnectException("Connection refused: ssl tls"));

        RelayOutcome outcome = RelayOutcomes.connectFailure(failure, transport,
            "Relay x could not be used: 421 4.7.0 TLS handshake certificate SSL trouble, try later");

        assertThat(outcome.kind()).isEqualTo(RelayOutcome.Kind.UNREACHABLE);
        assertThat(outcome.replyCode()).isEqualTo(Optional.of(421));
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        MessagingException first = new MessagingException("first");
        MessagingException second = new MessagingException("second", first);
        first.setNextException(second);

        assertThat(RelayOutcomes.isTlsFailure(first)).isFalse();
    }

    @Test
    void aRefusalCarriesTheRelaysReplyAndItsCode() {
        RelayOutcome outcome = RelayOutcomes.refused("550 5.1.1 no such user (Relay x: Invalid Addresses)");

        assertThat(outcome.kind()).isEqualTo(RelayOutcome.Kind.REFUSED);
        assertThat(outcome.replyCode()).contains(550);
        assertThat(outcome.kind().isRelayFailure()).isFalse();
    }
}
