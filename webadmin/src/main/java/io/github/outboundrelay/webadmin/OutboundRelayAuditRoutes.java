package io.github.outboundrelay.webadmin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.AuditEntry;
import io.github.outboundrelay.core.AuditTrail;
import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.SettingsEvent;
import spark.Request;
import spark.Service;

/**
 * {@code GET /outbound-relay/audit?user=&since=&type=&offset=&limit=}: the audit trail, relay attempts
 * ({@code "type": "relay-attempt"}) and configuration events ({@code "type": "settings"}) in one list, oldest first,
 * paged over both ({@link AuditTrail}). {@code since} is an ISO-8601 instant ({@code 2026-11-26T08:00:00Z}), default
 * everything kept; {@code type} one of the two kinds, default both; {@code limit} defaults to 100, at most 1000.
 * Registered in webadmin.properties {@code extensions.routes} next to {@link OutboundRelayRoutes}.
 */
public class OutboundRelayAuditRoutes extends AdminApiRoutes {
    static final String PATH = OutboundRelayRoutes.BASE + "/audit";

    static final String RELAY_ATTEMPT = "relay-attempt";
    static final String SETTINGS = "settings";

    private final AuditTrail trail;

    @Inject
    public OutboundRelayAuditRoutes(AuditTrail trail, AdminApiGuard guard) {
        super(PATH, guard);
        this.trail = trail;
    }

    @Override
    void defineRoutes(Service service) {
        get(service, PATH, (request, response) -> page(request));
    }

    private List<Object> page(Request request) {
        Optional<Username> user = Optional.ofNullable(request.queryParams("user")).map(OutboundRelayAuditRoutes::user);
        Instant since = Optional.ofNullable(request.queryParams("since")).map(OutboundRelayAuditRoutes::instant).orElse(Instant.EPOCH);
        Set<AuditTrail.Kind> kinds = Optional.ofNullable(request.queryParams("type")).map(OutboundRelayAuditRoutes::kind)
            .map(Set::of).orElse(Set.of(AuditTrail.Kind.values()));
        Paging paging = Paging.of(request);
        return trail.find(user, since, kinds, paging.offset(), paging.limit()).stream().map(OutboundRelayAuditRoutes::view).toList();
    }

    private static Object view(AuditEntry entry) {
        if (entry instanceof RelayAttempt attempt) {
            return RelayAttemptView.of(attempt);
        }
        return SettingsEventView.of((SettingsEvent) entry);
    }

    private static AuditTrail.Kind kind(String text) {
        return switch (text) {
            case RELAY_ATTEMPT -> AuditTrail.Kind.RELAY_ATTEMPT;
            case SETTINGS -> AuditTrail.Kind.SETTINGS;
            default -> throw new InvalidFieldException("type", "must be " + RELAY_ATTEMPT + " or " + SETTINGS);
        };
    }

    private static Username user(String text) {
        try {
            return Username.of(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("user", "is not a valid user name: " + e.getMessage());
        }
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException("since", "must be an ISO-8601 instant such as 2026-11-26T08:00:00Z");
        }
    }

    record RelayAttemptView(String type, String at, String user, String sendAs, String relayHost, int relayPort,
                            String messageId, int recipients, String outcome, Integer replyCode, String credential) {
        static RelayAttemptView of(RelayAttempt attempt) {
            return new RelayAttemptView(RELAY_ATTEMPT, attempt.at().toString(), attempt.user().asString(), attempt.sendAs().asString(),
                attempt.relayHost(), attempt.relayPort(), attempt.messageId(), attempt.recipientCount(),
                attempt.reportedOutcome(), attempt.replyCode().orElse(null), attempt.credential());
        }
    }

    /**
     * {@code user}: the owner of the address concerned; {@code user}, {@code sendAs}, {@code domain} are null when not
     * about one; {@code actorName}: the admin who made the change when known (the admin area's signed-in admin), else null.
     */
    record SettingsEventView(String type, String at, String event, String actor, String actorName, String user,
                             String sendAs, String domain, String detail) {
        static SettingsEventView of(SettingsEvent event) {
            return new SettingsEventView(SETTINGS, event.at().toString(), event.type().label(),
                event.actor().kind().name().toLowerCase(Locale.ROOT), event.actor().name().map(Username::asString).orElse(null),
                event.user().map(Username::asString).orElse(null),
                event.sendAs().map(MailAddress::asString).orElse(null), event.domain().map(Domain::asString).orElse(null),
                event.detail());
        }
    }
}
