package io.github.outboundrelay.webadmin;

import java.util.List;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.outboundrelay.core.DomainRelayPolicies;
import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SealedSecret;
import io.github.outboundrelay.core.SecretSealer;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.SendAsRegistry;
import io.github.outboundrelay.core.verification.SendAsStatus;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import spark.Request;
import spark.Service;

/**
 * The outbound relay admin API, a WebAdmin route extension ({@code extensions.routes} in webadmin.properties):
 * <ul>
 *     <li>{@code GET|PUT /outbound-relay/domains/{domain}} with {@code {"allowed": true, "allowInsecure": false}}:
 *     the domain's policy;</li>
 *     <li>{@code GET /outbound-relay/users/{user}/send-as}: the user's send-as addresses;</li>
 *     <li>{@code GET|PUT|DELETE /outbound-relay/users/{user}/send-as/{address}} with
 *     {@code {"host", "port", "security", "username", "password", "verified"}}: one send-as address and its relay.</li>
 * </ul>
 * Saving an address first tries its relay (connect, TLS, AUTH; 422 with a reason class when that fails), then, unless
 * an admin vouched for it ({@code "verified": true}), mails a one-time code through the relay to the address: it stays
 * {@code pending} until the code is confirmed ({@link SendAsVerificationRoutes}). The password is write-only and
 * sealed before it is stored. Unknown domains and users answer 404; bad input answers 400 naming the field; an address
 * registered by another user answers 409.
 */
public class OutboundRelayRoutes implements Routes {
    static final String BASE = "/outbound-relay";
    private static final Set<String> POLICY_FIELDS = Set.of("allowed", "allowInsecure");

    private final AdminRequests requests;
    private final SendAsRegistry registry;
    private final DomainRelayPolicies policies;
    private final SecretSealer sealer;
    private final SendAsVerifier verifier;
    private final SendAsVerificationFlow verification;
    private final JsonTransformer json = new JsonTransformer();

    @Inject
    OutboundRelayRoutes(AdminRequests requests, SendAsRegistry registry, DomainRelayPolicies policies, SecretSealer sealer,
                        SendAsVerifier verifier, SendAsVerificationFlow verification) {
        this.requests = requests;
        this.registry = registry;
        this.policies = policies;
        this.sealer = sealer;
        this.verifier = verifier;
        this.verification = verification;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        requests.protect(service);
        service.get(BASE + "/domains/:domain", ApiErrors.validated((request, response) ->
            DomainPolicyView.of(policies.get(requests.knownDomain(request)))), json);
        service.put(BASE + "/domains/:domain", ApiErrors.validated((request, response) -> setPolicy(request)), json);
        service.get(BASE + "/users/:user/send-as", ApiErrors.validated((request, response) -> listSendAs(request)), json);
        service.get(BASE + "/users/:user/send-as/:address", ApiErrors.validated((request, response) ->
            view(requests.ownedSendAs(request))), json);
        service.put(BASE + "/users/:user/send-as/:address", ApiErrors.validated((request, response) -> putSendAs(request)), json);
        service.delete(BASE + "/users/:user/send-as/:address", ApiErrors.validated((request, response) -> {
            Username user = requests.knownUser(request);
            MailAddress address = AdminRequests.address(request);
            registry.findOwnedBy(user, address).ifPresent(verifier::forget);
            registry.remove(user, address);
            response.status(HttpStatus.NO_CONTENT_204);
            return "";
        }));
    }

    private DomainPolicyView setPolicy(Request request) {
        Domain domain = requests.knownDomain(request);
        JsonNode body = requests.body(request);
        body.fieldNames().forEachRemaining(name -> {
            if (!POLICY_FIELDS.contains(name)) {
                throw new InvalidFieldException(name, "is not a known field (expected allowed, allowInsecure)");
            }
        });
        JsonNode allowed = body.get("allowed");
        if (allowed == null || !allowed.isBoolean()) {
            throw new InvalidFieldException("allowed", "is required and must be true or false");
        }
        JsonNode allowInsecure = body.get("allowInsecure");
        if (allowInsecure != null && !allowInsecure.isBoolean()) {
            throw new InvalidFieldException("allowInsecure", "must be true or false");
        }
        DomainRelayPolicy policy = new DomainRelayPolicy(domain, allowed.booleanValue(),
            allowInsecure != null && allowInsecure.booleanValue());
        policies.set(policy);
        return DomainPolicyView.of(policy);
    }

    private List<SendAsView> listSendAs(Request request) {
        return registry.listOwnedBy(requests.knownUser(request)).stream().map(this::view).toList();
    }

    private SendAsView view(SendAsAddress sendAs) {
        return SendAsView.of(sendAs, verifier.status(sendAs));
    }

    private SendAsView putSendAs(Request request) {
        Username user = requests.knownUser(request);
        MailAddress address = AdminRequests.address(request);
        if (requests.isLocal(address.getDomain())) {
            throw new InvalidFieldException("address", "must not be in one of our domains: " + address.getDomain().asString()
                + " is local, its mail is ours to send");
        }
        SendAsRequest fields = SendAsRequest.parse(requests.body(request));
        requireAdmittedSecurity(user, fields.relay().security());
        verification.checkTarget(fields.relay());
        SealedSecret password = fields.password()
            .map(clear -> sealer.seal(clear, SendAsKey.of(address)))
            .or(() -> registry.findOwnedBy(user, address).map(SendAsAddress::relayPassword))
            .orElseThrow(() -> new InvalidFieldException("password", "is required"));
        SendAsAddress sendAs = new SendAsAddress(address, user, fields.relay(), fields.username(), password);
        if (!fields.vouchedByAdmin()) {
            verification.requireWorkingRelay(sendAs, fields.password().orElseGet(() -> sealer.open(password, sendAs.key())));
        }
        try {
            registry.register(sendAs);
        } catch (SendAsRegistry.AddressOwnedByAnotherUserException e) {
            throw ApiErrors.conflict(e.getMessage());
        }
        SendAsStatus status = verifier.saved(sendAs, fields.vouchedByAdmin());
        if (status == SendAsStatus.PENDING) {
            verification.sendCode(sendAs);
        }
        return SendAsView.of(sendAs, status);
    }

    private void requireAdmittedSecurity(Username user, RelaySecurity security) {
        if (!user.getDomainPart().map(policies::get).map(policy -> policy.admits(security)).orElse(security.isEncrypted())) {
            throw new InvalidFieldException("security", security + " sends the relay password in clear; use SMTPS or "
                + "STARTTLS, or have the admin set allowInsecure on the domain of " + user.asString());
        }
    }
}
