package io.github.outboundrelay.selfservice;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.settings.DomainPolicySettings;
import io.github.outboundrelay.core.settings.SendAsSettingsException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * {@code GET /admin}: every domain of James's {@link DomainList} with its relay policy as a form;
 * {@code POST /admin/domains} saves one domain's policy through {@link DomainPolicySettings}, the flow WebAdmin's
 * {@code PUT /outbound-relay/domains/{domain}} uses, with the signed-in admin as the actor of the audit trail. An
 * unchecked box is not sent by the browser: it means off.
 */
final class AdminPolicyRoutes {
    private final AdminArea area;
    private final AdminServices services;
    private final Pages templates;

    AdminPolicyRoutes(AdminArea area, AdminServices services, Pages templates) {
        this.area = area;
        this.services = services;
        this.templates = templates;
    }

    void define(Service service) {
        service.get(AdminArea.ROOT, (request, response) -> area.page(request, response, session ->
            render(session, null, null)));
        service.post(AdminArea.ROOT + "/domains", (request, response) -> area.action(request, response, session -> {
            String named = PageRoutes.text(request, "domain");
            try {
                Domain domain = knownDomain(named);
                DomainRelayPolicy saved = services.policies.set(AdminArea.actor(session), new DomainRelayPolicy(domain,
                    checked(request, "allowed"), checked(request, "allowInsecure")));
                session.notice(saved(saved));
                return PageRoutes.redirect(response, AdminArea.ROOT);
            } catch (RuntimeException e) {
                Refusal refusal = Refusal.of(e).orElseThrow(() -> e);
                response.status(refusal.status());
                return render(session, named, refusal.message());
            }
        }));
    }

    private static boolean checked(Request request, String box) {
        return RequestGuard.field(request, box).isPresent();
    }

    private static String saved(DomainRelayPolicy policy) {
        return "Saved for " + policy.domain().asString() + ": users " + (policy.relayAllowed() ? "may" : "may not")
            + " send through external SMTP servers" + (policy.relayAllowed()
                ? (policy.insecureRelayAllowed() ? ", with or without TLS" : ", with TLS only") : "")
            + ". This applies to the next mail, on every node.";
    }

    /** @param failedDomain the domain whose form was refused, with {@code error} (null: none) */
    private String render(Sessions.Session session, String failedDomain, String error) {
        List<AdminDomainsPage.Domain> forms = new ArrayList<>();
        List<Domain> domains = domains();
        for (int i = 0; i < domains.size(); i++) {
            DomainRelayPolicy policy = services.policies.get(domains.get(i));
            String name = policy.domain().asString();
            forms.add(new AdminDomainsPage.Domain("domain-" + i, name, policy.relayAllowed(), policy.insecureRelayAllowed(),
                name.equalsIgnoreCase(Optional.ofNullable(failedDomain).orElse("")) ? error : null,
                AdminArea.ROOT + "/send-as?domain=" + URLEncoder.encode(name, StandardCharsets.UTF_8)));
        }
        AdminArea.Header header = AdminArea.header(session, AdminArea.Section.DOMAINS);
        if (error != null && forms.stream().noneMatch(form -> form.error() != null)) {
            header = new AdminArea.Header(header.admin(), header.csrf(), header.notice(), error, header.nav());
        }
        return templates.adminDomains(new AdminDomainsPage(header, forms));
    }

    List<Domain> domains() {
        try {
            return services.domainList.getDomains().stream().sorted(java.util.Comparator.comparing(Domain::asString)).toList();
        } catch (DomainListException e) {
            throw new SendAsSettingsException(SendAsSettingsException.Kind.UNAVAILABLE, "Cannot read the domain list");
        }
    }

    /** A domain of this server: 400 naming {@code domain} when it is not a domain name, 404 when James does not serve it. */
    Domain knownDomain(String name) {
        Domain domain;
        try {
            domain = Domain.of(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("domain", "is not a valid domain: " + e.getMessage());
        }
        try {
            if (!services.domainList.containsDomain(domain)) {
                throw new SendAsSettingsException(SendAsSettingsException.Kind.NOT_FOUND, "Domain " + domain.asString()
                    + " is not a domain of this server");
            }
        } catch (DomainListException e) {
            throw new SendAsSettingsException(SendAsSettingsException.Kind.UNAVAILABLE, "Cannot read the domain list");
        }
        return domain;
    }
}
