package io.github.outboundrelay.webadmin;

import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.Domain;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.settings.SendAsOverview;
import io.github.outboundrelay.core.settings.SendAsView;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import spark.Request;
import spark.Service;

/**
 * {@code GET /outbound-relay/domains/{domain}/send-as?offset=&limit=}: every send-as address of the domain's users,
 * by address, with its status, the way its mail goes now and the outcome of its latest relay attempt; paged like the
 * audit ({@link SendAsOverview}, the query of the admin area's page too). Registered in webadmin.properties
 * {@code extensions.routes}.
 */
public class SendAsOverviewRoutes extends AdminApiRoutes {
    private final AdminRequests requests;
    private final SendAsOverview overview;
    private final RelayAttemptLog attempts;

    @Inject
    SendAsOverviewRoutes(AdminRequests requests, SendAsOverview overview, RelayAttemptLog attempts) {
        super(OutboundRelayRoutes.BASE, requests.guard());
        this.requests = requests;
        this.overview = overview;
        this.attempts = attempts;
    }

    @Override
    void defineRoutes(Service service) {
        get(service, OutboundRelayRoutes.BASE + "/domains/:domain/send-as", (request, response) -> list(request));
    }

    private List<DomainSendAsView> list(Request request) {
        Domain domain = requests.knownDomain(request);
        Paging paging = Paging.of(request);
        return overview.find(domain, Optional.empty(), Optional.empty(), paging.offset(), paging.limit()).entries().stream()
            .map(this::view)
            .toList();
    }

    private DomainSendAsView view(SendAsOverview.Entry entry) {
        return new DomainSendAsView(entry.owner().asString(), entry.sendAs(),
            attempts.latestFor(entry.address()).map(LastOutcome::of).orElse(null));
    }

    /** {@code lastOutcome} is null until the address was used. */
    record DomainSendAsView(String user, SendAsView sendAs, LastOutcome lastOutcome) {
    }

    record LastOutcome(String at, String outcome, Integer replyCode) {
        static LastOutcome of(RelayAttempt attempt) {
            return new LastOutcome(attempt.at().toString(), attempt.reportedOutcome(), attempt.replyCode().orElse(null));
        }
    }
}
