package io.github.outboundrelay.core.settings;

import java.time.Clock;
import java.time.Duration;

import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.settings.SendAsSettingsException.Kind;

/**
 * Bounds on what settings make this server do to the outside, whatever the surface, keyed so that changing the
 * address's host or username does not reset them: relay tests (connect, TLS, AUTH: an oracle for passwords of any
 * SMTP server) per user and per relay host, and verification mails per user (the per-address cap is
 * {@link io.github.outboundrelay.core.verification.SendAsVerifier#MAX_CODES_PER_DAY}). In memory, per node.
 */
final class SettingsRateLimits {
    static final int PROBES_PER_USER_PER_HOUR = 10;
    static final int PROBES_PER_RELAY_HOST_PER_HOUR = 30;
    static final int CODE_MAILS_PER_USER_PER_DAY = 10;

    private final SlidingWindowLimit probesPerUser;
    private final SlidingWindowLimit probesPerRelayHost;
    private final SlidingWindowLimit codeMailsPerUser;

    SettingsRateLimits(Clock clock) {
        probesPerUser = new SlidingWindowLimit(PROBES_PER_USER_PER_HOUR, Duration.ofHours(1), clock);
        probesPerRelayHost = new SlidingWindowLimit(PROBES_PER_RELAY_HOST_PER_HOUR, Duration.ofHours(1), clock);
        codeMailsPerUser = new SlidingWindowLimit(CODE_MAILS_PER_USER_PER_DAY, Duration.ofDays(1), clock);
    }

    void acquireProbe(SendAsAddress sendAs) {
        if (!probesPerUser.tryAcquire(sendAs.owner().asString())) {
            throw tooMany("At most " + PROBES_PER_USER_PER_HOUR + " relay tests per hour for " + sendAs.owner().asString());
        }
        String host = sendAs.requireRelayAccount().server().host();
        if (!probesPerRelayHost.tryAcquire(host)) {
            throw tooMany("At most " + PROBES_PER_RELAY_HOST_PER_HOUR + " relay tests per hour to " + host);
        }
    }

    void acquireCodeMail(SendAsAddress sendAs) {
        if (!codeMailsPerUser.tryAcquire(sendAs.owner().asString())) {
            throw tooMany("At most " + CODE_MAILS_PER_USER_PER_DAY + " verification mails per day for "
                + sendAs.owner().asString());
        }
    }

    private static SendAsSettingsException tooMany(String what) {
        return new SendAsSettingsException(Kind.TOO_MANY_REQUESTS, what + " were made; try again later");
    }
}
