package io.github.outboundrelay.webadmin;

import java.util.Comparator;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.Domain;

import io.github.outboundrelay.core.OutboundRelayRule;
import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelayAttemptLog;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsRegistry;
import io.github.outboundrelay.core.settings.SendAsView;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import spark.Request;
import spark.Service;

/**
 * {@code GET /outbound-relay/domains/{domain}/send-as?offset=&limit=}: every send-as address of the domain's users,
 * by address, with its status, the way its mail goes now and the outcome of its latest relay attempt; paged like the
 * audit. Registered in
 * webadmin.properties {@code extensions.routes}.
 */
public class SendAsOverviewRoutes extends AdminApiRoutes {
    private final AdminRequests requests;
    private final SendAsRegistry registry;
    private final SendAsVerifier verifier;
    private final RelayAttemptLog attempts;
    private final OutboundRelayRule rule;

    @Inject
    SendAsOverviewRoutes(AdminRequests requests, SendAsRegistry registry, SendAsVerifier verifier, RelayAttemptLog attempts,
                         OutboundRelayRule rule) {
        super(OutboundRelayRoutes.BASE, requests.guard());
        this.requests = requests;
        this.registry = registry;
        this.verifier = verifier;
        this.attempts = attempts;
        this.rule = rule;
    }

    @Override
    void defineRoutes(Service service) {
        get(service, OutboundRelayRoutes.BASE + "/domains/:domain/send-as", (request, response) -> list(request));
    }

    private List<DomainSendAsView> list(Request request) {
        Domain domain = requests.knownDomain(request);
        Paging paging = Paging.of(request);
        return registry.all().stream()
            .filter(sendAs -> sendAs.owner().getDomainPart().map(domain::equals).orElse(false))
            .sorted(Comparator.comparing(SendAsAddress::key))
            .skip(paging.offset())
            .limit(paging.limit())
            .map(this::view)
            .toList();
    }

    private DomainSendAsView view(SendAsAddress sendAs) {
        return new DomainSendAsView(sendAs.owner().asString(), SendAsView.of(sendAs, verifier.status(sendAs), rule.decide(sendAs)),
            attempts.latestFor(sendAs.address()).map(LastOutcome::of).orElse(null));
    }

    /** {@code lastOutcome} is null until the address was used. */
    record DomainSendAsView(String user, SendAsView sendAs, LastOutcome lastOutcome) {
    }

    record LastOutcome(String at, String outcome, Integer replyCode) {
        static LastOutcome of(RelayAttempt attempt) {
            return new LastOutcome(attempt.at().toString(), attempt.outcome().name(), attempt.replyCode().orElse(null));
        }
    }
}
