package io.github.outboundrelay.selfservice;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.settings.DomainPolicySettings;
import io.github.outboundrelay.core.settings.PolicyRequest;
import io.github.outboundrelay.core.settings.Refusal;
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
                Domain domain = services.knownDomain(named);
                // The form holds every switch of PolicyRequest: one added there needs its checkbox here.
                DomainRelayPolicy saved = services.policies.apply(AdminArea.actor(session), domain, PolicyRequest.ofForm(
                    checked(request, "allowed"), checked(request, "allowInsecure"), checked(request, "allowAlternateAddresses"),
                    checked(request, "checkDmarc")));
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
        if (!policy.alternateAddressesAllowed()) {
            return "Saved for " + policy.domain().asString() + ": users may not send mail as their other addresses. This "
                + "applies to the next mail, on every node.";
        }
        return "Saved for " + policy.domain().asString() + ": users " + (policy.relayAllowed() ? "may" : "may not")
            + " send through external SMTP servers" + (policy.relayAllowed()
                ? (policy.insecureRelayAllowed() ? ", with or without TLS" : ", with TLS only") : "")
            + ". This applies to the next mail, on every node.";
    }

    /** @param failedDomain the domain whose form was refused, with {@code error} (null: none) */
    private String render(Sessions.Session session, String failedDomain, String error) {
        List<AdminDomainsPage.Domain> forms = new ArrayList<>();
        List<Domain> domains = services.domains();
        for (int i = 0; i < domains.size(); i++) {
            DomainRelayPolicy policy = services.policies.get(domains.get(i));
            String name = policy.domain().asString();
            forms.add(new AdminDomainsPage.Domain("domain-" + i, name, policy.alternateAddressesAllowed(),
                policy.relayAllowed(), policy.insecureRelayAllowed(), policy.dmarcCheck(),
                name.equalsIgnoreCase(Optional.ofNullable(failedDomain).orElse("")) ? error : null,
                AdminArea.ROOT + "/send-as?domain=" + URLEncoder.encode(name, StandardCharsets.UTF_8)));
        }
        AdminArea.Header header = AdminArea.header(session, AdminArea.Section.DOMAINS);
        if (error != null && forms.stream().noneMatch(form -> form.error() != null)) {
            header = header.withAlert(error);
        }
        return templates.adminDomains(new AdminDomainsPage(header, forms));
    }
}
