package io.github.outboundrelay.mailets.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import io.github.outboundrelay.mailets.RelayDeliveryConfiguration;

class RetryScheduleTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private static RetrySchedule shipped() throws Exception {
        RelayDeliveryConfiguration configuration = RelayDeliveryConfiguration.from(FakeMailetConfig.builder().build());
        return new RetrySchedule(configuration.initialRetryDelay(), configuration.maxRetryDelay(),
            configuration.earlyMailHold(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void theRetryDelayDoublesUpToTheCap() throws Exception {
        RetrySchedule schedule = shipped();

        assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(schedule.delayAfter(2)).isEqualTo(Duration.ofMinutes(10));
        assertThat(schedule.delayAfter(4)).isEqualTo(Duration.ofMinutes(40));
        assertThat(schedule.delayAfter(5)).isEqualTo(Duration.ofHours(1));
        assertThat(schedule.delayAfter(50)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aBusyRelayIsTriedAgainSoonButNotAtOnce() throws Exception {
        assertThat(shipped().busyRelayDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(new RetrySchedule(Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofSeconds(1), Clock.systemUTC())
            .busyRelayDelay()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aDeferredMailIsDueWhenItsDelayHasPassed() throws Exception {
        RetrySchedule schedule = shipped();
        Mail mail = MailImpl.builder().name("m").mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setText("x")).build();

        assertThat(schedule.timeLeft(mail)).as("never deferred").isZero();
        schedule.deferBy(mail, schedule.delayAfter(2));
        assertThat(schedule.timeLeft(mail)).isEqualTo(Duration.ofMinutes(10));
    }
}
