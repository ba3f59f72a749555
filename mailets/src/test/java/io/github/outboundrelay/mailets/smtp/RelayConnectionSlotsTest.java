package io.github.outboundrelay.mailets.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;

import javax.mail.Session;

import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.mailets.smtp.RelaySessionKey.RelayEndpoint;

/** Relay host names are chosen by users: what is kept per relay must not grow with every name ever used. */
class RelayConnectionSlotsTest {
    @Test
    void aRelayIsTrackedOnlyWhileAPermitIsHeldOrAwaited() throws Exception {
        RelayConnectionSlots slots = new RelayConnectionSlots(1);
        for (int i = 0; i < 10_000; i++) {
            RelayEndpoint relay = new RelayEndpoint("smtp" + i + ".attacker.test", 587);
            assertThat(slots.tryAcquire(relay, Duration.ZERO)).isTrue();
            slots.release(relay);
        }
        assertThat(slots.trackedRelays()).isZero();

        RelayEndpoint busy = new RelayEndpoint("smtp.partner.test", 587);
        assertThat(slots.tryAcquire(busy, Duration.ZERO)).isTrue();
        assertThat(slots.tryAcquire(busy, Duration.ofMillis(10))).as("the cap still holds").isFalse();
        assertThat(slots.inUse(busy)).isEqualTo(1);
        assertThat(slots.trackedRelays()).isEqualTo(1);
        slots.release(busy);
        assertThat(slots.trackedRelays()).isZero();
        assertThat(slots.tryAcquire(busy, Duration.ZERO)).isTrue();
    }

    @Test
    void spareJavaMailSessionsAreKeptForABoundedNumberOfRelays() {
        RelayMailSessions sessions = new RelayMailSessions();
        for (int i = 0; i < RelayMailSessions.MAX_RELAYS + 500; i++) {
            sessions.giveBack(RelaySecurity.STARTTLS, "smtp" + i + ".attacker.test", Session.getInstance(new Properties()));
        }

        assertThat(sessions.relayCount()).isEqualTo(RelayMailSessions.MAX_RELAYS);
        assertThat(sessions.spareCount(RelaySecurity.STARTTLS, "smtp0.attacker.test")).isEqualTo(1);
    }
}
