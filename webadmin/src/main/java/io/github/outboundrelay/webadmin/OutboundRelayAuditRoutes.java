package io.github.outboundrelay.webadmin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelayAttemptLog;
import spark.Request;
import spark.Service;

/**
 * {@code GET /outbound-relay/audit?user=&since=&offset=&limit=}: the relay attempts, oldest first, paged. {@code since}
 * is an ISO-8601 instant ({@code 2026-11-26T08:00:00Z}), default everything kept; {@code limit} defaults to 100, at
 * most 1000. Registered in webadmin.properties {@code extensions.routes} next to {@link OutboundRelayRoutes}.
 */
public class OutboundRelayAuditRoutes implements Routes {
    static final String PATH = OutboundRelayRoutes.BASE + "/audit";

    private final RelayAttemptLog attempts;
    private final AdminApiGuard guard;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    public OutboundRelayAuditRoutes(RelayAttemptLog attempts, AdminApiGuard guard) {
        this.attempts = attempts;
        this.guard = guard;
    }

    @Override
    public String getBasePath() {
        return PATH;
    }

    @Override
    public void define(Service service) {
        guard.protect(service);
        service.get(PATH, ApiErrors.validated((request, response) -> page(request)), json);
    }

    private List<RelayAttemptView> page(Request request) {
        Optional<Username> user = Optional.ofNullable(request.queryParams("user")).map(OutboundRelayAuditRoutes::user);
        Instant since = Optional.ofNullable(request.queryParams("since")).map(OutboundRelayAuditRoutes::instant).orElse(Instant.EPOCH);
        Paging paging = Paging.of(request);
        return attempts.find(user, since, paging.offset(), paging.limit()).stream().map(RelayAttemptView::of).toList();
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

    record RelayAttemptView(String at, String user, String sendAs, String relayHost, int relayPort, String messageId,
                            int recipients, String outcome, Integer replyCode, String credential) {
        static RelayAttemptView of(RelayAttempt attempt) {
            return new RelayAttemptView(attempt.at().toString(), attempt.user().asString(), attempt.sendAs().asString(),
                attempt.relayHost(), attempt.relayPort(), attempt.messageId(), attempt.recipientCount(),
                attempt.outcome().name(), attempt.replyCode().orElse(null), attempt.credential());
        }
    }
}
