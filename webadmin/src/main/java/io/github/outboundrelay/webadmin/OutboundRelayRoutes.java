package io.github.outboundrelay.webadmin;

import java.util.List;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.internet.AddressException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.outboundrelay.core.DomainRelayPolicies;
import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.SealedSecret;
import io.github.outboundrelay.core.SecretSealer;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.SendAsAddress;
import io.github.outboundrelay.core.SendAsKey;
import io.github.outboundrelay.core.SendAsRegistry;
import io.github.outboundrelay.core.verification.SendAsVerifier;
import spark.Request;
import spark.Service;

/**
 * The outbound relay admin API, a WebAdmin route extension ({@code extensions.routes} in webadmin.properties):
 * <ul>
 *     <li>{@code GET|PUT /outbound-relay/domains/{domain}} with {@code {"allowed": true}}: the domain's policy;</li>
 *     <li>{@code GET /outbound-relay/users/{user}/send-as}: the user's send-as addresses;</li>
 *     <li>{@code GET|PUT|DELETE /outbound-relay/users/{user}/send-as/{address}} with
 *     {@code {"host", "port", "security", "username", "password"}}: one send-as address and its relay.</li>
 * </ul>
 * The password is write-only and sealed before it is stored. Unknown domains and users answer 404; bad input answers
 * 400 with a message naming the field; an address registered by another user answers 409.
 */
public class OutboundRelayRoutes implements Routes {
    static final String BASE = "/outbound-relay";
    private static final Set<String> POLICY_FIELDS = Set.of("allowed", "allowInsecure");

    private final DomainList domainList;
    private final UsersRepository usersRepository;
    private final SendAsRegistry registry;
    private final DomainRelayPolicies policies;
    private final SecretSealer sealer;
    private final SendAsVerifier verifier;
    private final JsonTransformer json = new JsonTransformer();
    private final ObjectMapper mapper = new ObjectMapper();

    @Inject
    public OutboundRelayRoutes(DomainList domainList, UsersRepository usersRepository, SendAsRegistry registry,
                               DomainRelayPolicies policies, SecretSealer sealer, SendAsVerifier verifier) {
        this.domainList = domainList;
        this.usersRepository = usersRepository;
        this.registry = registry;
        this.policies = policies;
        this.sealer = sealer;
        this.verifier = verifier;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        service.get(BASE + "/domains/:domain", ApiErrors.validated((request, response) -> DomainPolicyView.of(policies.get(knownDomain(request)))), json);
        service.put(BASE + "/domains/:domain", ApiErrors.validated((request, response) -> setPolicy(request)), json);
        service.get(BASE + "/users/:user/send-as", ApiErrors.validated((request, response) -> listSendAs(request)), json);
        service.get(BASE + "/users/:user/send-as/:address", ApiErrors.validated((request, response) -> view(ownedSendAs(request))), json);
        service.put(BASE + "/users/:user/send-as/:address", ApiErrors.validated((request, response) -> putSendAs(request)), json);
        service.delete(BASE + "/users/:user/send-as/:address", ApiErrors.validated((request, response) -> {
            Username user = knownUser(request);
            registry.findOwnedBy(user, address(request)).ifPresent(verifier::forget);
            registry.remove(user, address(request));
            response.status(HttpStatus.NO_CONTENT_204);
            return "";
        }));
    }


    private DomainPolicyView setPolicy(Request request) {
        Domain domain = knownDomain(request);
        JsonNode body = body(request);
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
        return registry.listOwnedBy(knownUser(request)).stream().map(this::view).toList();
    }

    private SendAsView view(SendAsAddress sendAs) {
        return SendAsView.of(sendAs, verifier.status(sendAs));
    }

    private SendAsAddress ownedSendAs(Request request) {
        Username user = knownUser(request);
        MailAddress address = address(request);
        return registry.findOwnedBy(user, address)
            .orElseThrow(() -> ApiErrors.notFound(address.asString() + " is not a send-as address of " + user.asString()));
    }

    private SendAsView putSendAs(Request request) {
        Username user = knownUser(request);
        MailAddress address = address(request);
        if (isLocal(address.getDomain())) {
            throw new InvalidFieldException("address", "must not be in one of our domains: " + address.getDomain().asString()
                + " is local, its mail is ours to send");
        }
        SendAsRequest fields = SendAsRequest.parse(body(request));
        RelaySecurity security = fields.relay().security();
        if (!user.getDomainPart().map(policies::get).map(policy -> policy.admits(security)).orElse(security.isEncrypted())) {
            throw new InvalidFieldException("security", security + " sends the relay password in clear; use SMTPS or "
                + "STARTTLS, or have the admin set allowInsecure on the domain of " + user.asString());
        }
        SealedSecret password = fields.password()
            .map(clear -> sealer.seal(clear, SendAsKey.of(address)))
            .or(() -> registry.findOwnedBy(user, address).map(SendAsAddress::relayPassword))
            .orElseThrow(() -> new InvalidFieldException("password", "is required"));
        SendAsAddress sendAs = new SendAsAddress(address, user, fields.relay(), fields.username(), password);
        try {
            registry.register(sendAs);
        } catch (SendAsRegistry.AddressOwnedByAnotherUserException e) {
            throw ApiErrors.conflict(e.getMessage());
        }
        return SendAsView.of(sendAs, verifier.saved(sendAs, fields.vouchedByAdmin()));
    }

    private Domain knownDomain(Request request) {
        Domain domain;
        try {
            domain = Domain.of(request.params("domain"));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("domain", "is not a valid domain: " + e.getMessage());
        }
        try {
            if (!domainList.containsDomain(domain)) {
                throw ApiErrors.notFound("Domain " + domain.asString() + " is not a domain of this server");
            }
        } catch (DomainListException e) {
            throw ApiErrors.serverError("Cannot read the domain list");
        }
        return domain;
    }

    private Username knownUser(Request request) {
        Username user;
        try {
            user = Username.of(request.params("user"));
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("user", "is not a valid user name: " + e.getMessage());
        }
        try {
            if (!usersRepository.contains(user)) {
                throw ApiErrors.notFound("User " + user.asString() + " does not exist");
            }
        } catch (UsersRepositoryException e) {
            throw ApiErrors.serverError("Cannot read the users repository");
        }
        return user;
    }

    private static MailAddress address(Request request) {
        try {
            return new MailAddress(request.params("address"));
        } catch (AddressException e) {
            throw new InvalidFieldException("address", "is not a valid mail address: " + request.params("address"));
        }
    }

    private boolean isLocal(Domain domain) {
        try {
            return domainList.containsDomain(domain);
        } catch (DomainListException e) {
            throw ApiErrors.serverError("Cannot read the domain list");
        }
    }

    private JsonNode body(Request request) {
        try {
            JsonNode body = mapper.readTree(request.body());
            if (body == null || !body.isObject()) {
                throw new InvalidFieldException("body", "must be a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new InvalidFieldException("body", "is not valid JSON");
        }
    }
}
