package io.github.outboundrelay.webadmin;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.eclipse.jetty.http.HttpStatus;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.settings.Actor;
import io.github.outboundrelay.core.settings.DomainPolicySettings;
import io.github.outboundrelay.core.settings.PolicyRequest;
import io.github.outboundrelay.core.settings.SendAsRequest;
import io.github.outboundrelay.core.settings.SendAsSettings;
import spark.Request;
import spark.Service;

/**
 * The outbound relay admin API, a WebAdmin route extension ({@code extensions.routes} in webadmin.properties):
 * <ul>
 *     <li>{@code GET|PUT /outbound-relay/domains/{domain}} with
 *     {@code {"allowed": true, "allowInsecure": false, "allowAlternateAddresses": true, "checkDmarc": true}}: the
 *     domain's policy;</li>
 *     <li>{@code GET /outbound-relay/users/{user}/send-as}: the user's send-as addresses;</li>
 *     <li>{@code GET|PUT|DELETE /outbound-relay/users/{user}/send-as/{address}} with
 *     {@code {"host", "port", "security", "username", "password", "verified", "displayName"}}: one send-as address
 *     and its relay, or none (no {@code host}: our servers send its mail).</li>
 * </ul>
 * The send-as routes are the admin's door to {@link SendAsSettings} (the flow every surface shares), the policy routes
 * to {@link DomainPolicySettings} (which records each change in the audit trail): this class reads the path and body
 * and maps errors ({@link ApiErrors}). Unknown domains and users answer 404.
 */
public class OutboundRelayRoutes extends AdminApiRoutes {
    static final String BASE = "/outbound-relay";

    private final AdminRequests requests;
    private final DomainPolicySettings policies;
    private final SendAsSettings settings;

    @Inject
    OutboundRelayRoutes(AdminRequests requests, DomainPolicySettings policies, SendAsSettings settings) {
        super(BASE, requests.guard());
        this.requests = requests;
        this.policies = policies;
        this.settings = settings;
    }

    @Override
    void defineRoutes(Service service) {
        get(service, BASE + "/domains/:domain", (request, response) ->
            DomainPolicyView.of(policies.get(requests.knownDomain(request))));
        put(service, BASE + "/domains/:domain", (request, response) -> setPolicy(request));
        get(service, BASE + "/users/:user/send-as", (request, response) -> settings.list(requests.knownUser(request)));
        get(service, BASE + "/users/:user/send-as/:address", (request, response) ->
            settings.get(requests.knownUser(request), AdminRequests.address(request)));
        put(service, BASE + "/users/:user/send-as/:address", (request, response) ->
            settings.save(Actor.ADMIN, requests.knownUser(request), AdminRequests.address(request),
                SendAsRequest.parse(request.body())));
        delete(service, BASE + "/users/:user/send-as/:address", (request, response) -> {
            settings.remove(Actor.ADMIN, requests.knownUser(request), AdminRequests.address(request));
            response.status(HttpStatus.NO_CONTENT_204);
            return "";
        });
    }

    private DomainPolicyView setPolicy(Request request) {
        Domain domain = requests.knownDomain(request);
        PolicyRequest body = AdminRequests.body(request, PolicyRequest.class);
        return DomainPolicyView.of(policies.apply(Actor.ADMIN, domain, body));
    }
}
