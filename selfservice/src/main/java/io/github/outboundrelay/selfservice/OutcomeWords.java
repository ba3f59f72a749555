package io.github.outboundrelay.selfservice;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.github.outboundrelay.core.RelayAttempt;

/** The last relay attempt of an address, in words a user understands ("delivered 3 minutes ago"). */
final class OutcomeWords {
    private OutcomeWords() {
    }

    static String of(Optional<RelayAttempt> latest, Instant now) {
        return of(latest, now, false);
    }

    /** @param oauth whether the address signs in with an OAuth grant (refused: to reconnect, not a password to update) */
    static String of(Optional<RelayAttempt> latest, Instant now, boolean oauth) {
        if (latest.isEmpty()) {
            return "nothing sent yet";
        }
        RelayAttempt attempt = latest.get();
        String when = ago(Duration.between(attempt.at(), now));
        if (attempt.partiallyDelivered()) {
            return "delivered to some recipients " + when + ", refused for others (see the bounce in your inbox)";
        }
        return switch (attempt.outcome()) {
            case DELIVERED -> "delivered " + when;
            case DEFERRED, BUSY -> "waiting: the relay asked to try again later (" + when + ")";
            case REFUSED -> "refused by the relay " + when + " (see the bounce in your inbox)";
            case AUTH_REJECTED, AUTH_NOT_OFFERED -> oauth ? "the provider or the relay refused the account's access: reconnect it"
                : "the relay refused the password: update it";
            case UNREACHABLE, TLS_FAILED, NOT_ALLOWED_TARGET -> "waiting: the relay cannot be reached (" + when + ")";
        };
    }

    /** The same for the admin, who reads it about someone else's address: what the relay did, and its SMTP reply code. */
    static String forAdmin(Optional<RelayAttempt> latest, Instant now, boolean oauth) {
        if (latest.isEmpty()) {
            return "nothing sent yet";
        }
        RelayAttempt attempt = latest.get();
        String when = ago(Duration.between(attempt.at(), now));
        String words = attempt.partiallyDelivered()
            ? "delivered to some recipients " + when + ", refused for others (bounced to the sender)"
            : switch (attempt.outcome()) {
            case DELIVERED -> "delivered " + when;
            case DEFERRED, BUSY -> "deferred " + when + ": the relay asked to try again later";
            case REFUSED -> "refused by the relay " + when + " (bounced to the sender)";
            case AUTH_REJECTED, AUTH_NOT_OFFERED -> "the relay refused the " + (oauth ? "account's access" : "password") + " " + when
                + ": the user must " + (oauth ? "reconnect it" : "update it");
            case UNREACHABLE, TLS_FAILED, NOT_ALLOWED_TARGET -> "the relay could not be reached " + when;
        };
        return words + attempt.replyCode().map(code -> " (SMTP " + code + ")").orElse("");
    }

    static String ago(Duration elapsed) {
        long seconds = Math.max(0, elapsed.getSeconds());
        if (seconds < 60) {
            return "just now";
        }
        if (seconds < 3600) {
            return plural(seconds / 60, "minute") + " ago";
        }
        if (seconds < 86_400) {
            return plural(seconds / 3600, "hour") + " ago";
        }
        return plural(seconds / 86_400, "day") + " ago";
    }

    private static String plural(long count, String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }
}
