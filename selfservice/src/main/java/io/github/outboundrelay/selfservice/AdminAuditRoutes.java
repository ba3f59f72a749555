package io.github.outboundrelay.selfservice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.core.healthcheck.Result;

import io.github.outboundrelay.core.AuditEntry;
import io.github.outboundrelay.core.AuditTrail;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.SettingsEvent;
import io.github.outboundrelay.core.store.StoreUnavailableException;
import spark.Response;
import spark.Service;

/**
 * "What happened": {@code GET /admin/audit?user=&address=&type=&from=&to=&page=}, the audit trail of WebAdmin's
 * {@code GET /outbound-relay/audit} ({@link AuditTrail}: relay attempts and configuration events, oldest first), by
 * user, send-as address, kind ({@code relay-attempt} or {@code settings}) and dates ({@code from} and {@code to}
 * included, UTC days, {@code YYYY-MM-DD}; without any filter, from yesterday), {@value #PAGE_SIZE} a page; the relay
 * health check at the top.
 */
final class AdminAuditRoutes {
    static final int PAGE_SIZE = 50;
    private static final String PATH = AdminArea.ROOT + "/audit";
    private static final String RELAY_ATTEMPT = "relay-attempt";
    private static final String SETTINGS = "settings";

    private final AdminArea area;
    private final AdminServices services;
    private final Pages templates;
    private final Clock clock;

    AdminAuditRoutes(AdminArea area, AdminServices services, Pages templates, Clock clock) {
        this.area = area;
        this.services = services;
        this.templates = templates;
        this.clock = clock;
    }

    void define(Service service) {
        service.get(PATH, (request, response) -> area.page(request, response, session ->
            render(session, response, new AdminFilters(request, ""))));
    }

    private String render(Sessions.Session session, Response response, AdminFilters fields) {
        String userText = fields.text("user");
        String addressText = fields.text("address");
        String typeText = fields.text("type");
        // A first visit shows the last day; an emptied "from" everything kept.
        String fromText = fields.sent("from") || fields.sent("user") ? fields.text("from")
            : LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1).toString();
        String toText = fields.text("to");
        Optional<Username> user = userText.isEmpty() ? Optional.empty()
            : fields.read(() -> Optional.of(AdminFilters.user(userText, "user")), Optional.empty());
        Optional<MailAddress> address = addressText.isEmpty() ? Optional.empty()
            : fields.read(() -> Optional.of(Visitor.sendAsAddress(addressText)), Optional.empty());
        Set<AuditTrail.Kind> kinds = fields.read(() -> kinds(typeText), Set.of(AuditTrail.Kind.values()));
        Instant since = fromText.isEmpty() ? Instant.EPOCH : fields.read(() -> startOf(fromText, "from"), Instant.EPOCH);
        Optional<Instant> until = toText.isEmpty() ? Optional.empty()
            : fields.read(() -> Optional.of(startOf(toText, "to").plus(Duration.ofDays(1))), Optional.empty());
        int page = fields.page();
        AdminArea.Header header = AdminArea.header(session, AdminArea.Section.AUDIT);
        if (fields.anyError()) {
            response.status(400);
            header = fields.errorOf("page").map(header::withAlert).orElse(header);
        }
        List<AdminAuditPage.Entry> entries = new ArrayList<>();
        boolean full = false;
        try {
            List<AuditEntry> found = services.trail.find(new AuditTrail.Query(user, address, since, until, kinds),
                (page - 1) * PAGE_SIZE, PAGE_SIZE);
            found.forEach(entry -> entries.add(entry(entry)));
            full = found.size() == PAGE_SIZE;
        } catch (StoreUnavailableException e) {
            response.status(503);
            header = header.withAlert(e.getMessage());
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("user", userText);
        query.put("address", addressText);
        query.put("type", typeText);
        query.put("from", fromText);
        query.put("to", toText);
        int first = (page - 1) * PAGE_SIZE + 1;
        String summary = entries.isEmpty() ? (page == 1 ? "Nothing matches." : "Nothing more on page " + page + ".")
            : "Entries " + first + "–" + (first + entries.size() - 1) + ", oldest first.";
        AdminSendAsPage.Paging paging = new AdminSendAsPage.Paging(summary,
            page > 1 ? AdminFilters.url(PATH, withPage(query, page - 1)) : null,
            full ? AdminFilters.url(PATH, withPage(query, page + 1)) : null);
        return templates.adminAudit(new AdminAuditPage(header, health(), filterFields(fields, userText, addressText, typeText, fromText, toText), entries, paging));
    }

    private static Map<String, String> withPage(Map<String, String> query, int page) {
        Map<String, String> copy = new LinkedHashMap<>(query);
        copy.put("page", Integer.toString(page));
        // "from" is always sent, so that an emptied one stays empty on the next page.
        copy.putIfAbsent("from", "");
        return copy;
    }

    private AdminAuditPage.Health health() {
        try {
            Result result = services.health.evaluate();
            String status = result.getStatus().name().toLowerCase(Locale.ROOT);
            return new AdminAuditPage.Health(status, result.isHealthy()
                ? "Relays: working. No relay failed sign-in or connection on every attempt of the last 15 minutes, and no "
                    + "OAuth account waits for its user to reconnect it."
                : "Relays: " + status + ". " + result.getCause().orElse(""));
        } catch (RuntimeException e) {
            return new AdminAuditPage.Health("degraded", "Relays: the health check cannot run now.");
        }
    }

    private List<SendAsPage.Field> filterFields(AdminFilters fields, String user, String address, String type, String from,
                                                String to) {
        return List.of(
            field(fields, "user", "User", "email", user),
            field(fields, "address", "Send-as address", "email", address),
            new SendAsPage.Field("filter-type", "type", "Type", "", "", null, null, false, fields.errorOf("type").orElse(null),
                List.of(new SendAsPage.Option("", "Both", type.isEmpty()),
                    new SendAsPage.Option(RELAY_ATTEMPT, "Relay attempts", type.equals(RELAY_ATTEMPT)),
                    new SendAsPage.Option(SETTINGS, "Configuration", type.equals(SETTINGS)))),
            field(fields, "from", "From (day, UTC)", "date", from),
            field(fields, "to", "To (day, UTC, included)", "date", to));
    }

    private static SendAsPage.Field field(AdminFilters fields, String name, String label, String type, String value) {
        return new SendAsPage.Field("filter-" + name, name, label, type, value, null, null, false,
            fields.errorOf(name).orElse(null), List.of());
    }

    private static Set<AuditTrail.Kind> kinds(String type) {
        return switch (type) {
            case "" -> Set.of(AuditTrail.Kind.values());
            case RELAY_ATTEMPT -> Set.of(AuditTrail.Kind.RELAY_ATTEMPT);
            case SETTINGS -> Set.of(AuditTrail.Kind.SETTINGS);
            default -> throw new InvalidFieldException("type", "must be " + RELAY_ATTEMPT + " or " + SETTINGS);
        };
    }

    private static Instant startOf(String day, String field) {
        try {
            return LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidFieldException(field, "must be a day such as 2026-11-26");
        }
    }

    private static AdminAuditPage.Entry entry(AuditEntry entry) {
        AdminSendAsPage.When at = AdminSendAsPage.When.of(entry.at());
        if (entry instanceof RelayAttempt attempt) {
            return new AdminAuditPage.Entry(at, "relay attempt", RELAY_ATTEMPT, outcome(attempt),
                attempt.user().asString(), attempt.user().asString(), attempt.sendAs().asString(),
                "through " + attempt.relay() + " (" + attempt.credential() + "), " + attempt.recipientCount() + " recipient(s)"
                    + attempt.replyCode().map(code -> ", SMTP " + code).orElse("")
                    + (attempt.messageId().isEmpty() ? "" : ", " + attempt.messageId()));
        }
        SettingsEvent event = (SettingsEvent) entry;
        String who = event.actor().isAdmin()
            ? "admin " + event.actor().name().map(Username::asString).orElse("(WebAdmin)") : "user";
        return new AdminAuditPage.Entry(at, "configuration", SETTINGS, event.type().label().replace('-', ' '), who,
            event.user().map(Username::asString).orElse(""), event.sendAs().map(MailAddress::asString).orElse(""),
            event.domain().map(domain -> "domain " + domain.asString() + ": ").orElse("") + event.detail());
    }

    private static String outcome(RelayAttempt attempt) {
        if (attempt.partiallyDelivered()) {
            return "delivered to some recipients";
        }
        return switch (attempt.outcome()) {
            case DELIVERED -> "delivered";
            case DEFERRED, BUSY -> "deferred (to be retried)";
            case REFUSED -> "refused by the relay (bounced)";
            case AUTH_REJECTED, AUTH_NOT_OFFERED -> "sign-in refused by the relay";
            case UNREACHABLE, TLS_FAILED, NOT_ALLOWED_TARGET -> "relay unreachable";
        };
    }
}
