package io.github.outboundrelay.selfservice;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;

import io.github.outboundrelay.core.RelayAttempt;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.settings.Refusal;
import io.github.outboundrelay.core.settings.SendAsOverview;
import io.github.outboundrelay.core.settings.SendAsRequest;
import io.github.outboundrelay.core.settings.SendAsSettings;
import io.github.outboundrelay.core.settings.SendAsSettingsException;
import io.github.outboundrelay.core.settings.SendAsView;
import io.github.outboundrelay.core.store.RelayAttemptLog;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * "Who sends as what": {@code GET /admin/send-as?domain=&user=&status=&page=} lists a domain's send-as addresses
 * ({@link SendAsOverview}, the query of WebAdmin's overview), {@value #PAGE_SIZE} a page; {@code POST
 * /admin/send-as/vouch|verification|test|remove} with {@code user} and {@code address} act on one through
 * {@link SendAsSettings} with the signed-in admin as actor, as WebAdmin's routes do (vouching is WebAdmin's
 * {@code "verified": true} on the address's own relay account). A done action redirects back to the same filters with
 * a notice; a refused one shows the page again with the refusal on the address's row, and its status code.
 */
final class AdminSendAsRoutes {
    static final int PAGE_SIZE = 50;
    private static final String PATH = AdminArea.ROOT + "/send-as";

    private final AdminArea area;
    private final AdminServices services;
    private final SendAsSettings settings;
    private final RelayAttemptLog attempts;
    private final Pages templates;
    private final Clock clock;

    AdminSendAsRoutes(AdminArea area, AdminServices services, SendAsSettings settings, RelayAttemptLog attempts,
                      Pages templates, Clock clock) {
        this.area = area;
        this.services = services;
        this.settings = settings;
        this.attempts = attempts;
        this.templates = templates;
        this.clock = clock;
    }

    /** What an action does to an address, and the notice when done. */
    @FunctionalInterface
    private interface Action {
        String run(Sessions.Session session, Username owner, MailAddress address);
    }

    void define(Service service) {
        service.get(PATH, (request, response) -> area.page(request, response, session ->
            render(session, response, filtersOf(request, ""), null, null)));
        action(service, "vouch", (session, owner, address) -> {
            SendAsView view = settings.get(owner, address);
            if (view.status().equals("verified")) {
                throw new SendAsSettingsException(SendAsSettingsException.Kind.CONFLICT, address.asString() + " is already verified");
            }
            boolean hasRelay = view.host() != null;
            SendAsView vouched = settings.save(AdminArea.actor(session), owner, address, hasRelay
                ? new SendAsRequest(new RelayServer(view.host(), view.port(), RelaySecurity.parse("security", view.security())),
                    view.username(), Optional.empty(), Optional.of(true), Optional.ofNullable(view.displayName()))
                : SendAsRequest.withoutRelay(Optional.of(true), Optional.ofNullable(view.displayName())));
            return address.asString() + " is verified: you vouched for it. Mail " + owner.asString() + " sends from it now goes "
                + (vouched.path().equals("relay") ? "through its relay." : "through our servers, on their behalf.");
        });
        action(service, "verification", (session, owner, address) -> {
            settings.resendCode(AdminArea.actor(session), owner, address);
            return "A new code was mailed to " + address.asString() + ".";
        });
        action(service, "test", (session, owner, address) -> {
            settings.test(AdminArea.actor(session), owner, address);
            return "The relay of " + address.asString() + " works (connection, TLS and sign-in accepted; no mail sent).";
        });
        action(service, "remove", (session, owner, address) -> {
            settings.remove(AdminArea.actor(session), owner, address);
            return address.asString() + " is removed from " + owner.asString() + "'s addresses.";
        });
    }

    private void action(Service service, String name, Action action) {
        service.post(PATH + "/" + name, (request, response) -> area.action(request, response, session -> {
            Filters back = filtersOf(request, "back.");
            String address = PageRoutes.text(request, "address");
            try {
                session.notice(action.run(session, AdminFilters.user(PageRoutes.text(request, "user"), "user"), Visitor.sendAsAddress(address)));
                return PageRoutes.redirect(response, back.url(back.page));
            } catch (RuntimeException e) {
                Refusal refusal = Refusal.of(e).orElseThrow(() -> e);
                response.status(refusal.status());
                return render(session, response, back, address, refusal.message());
            }
        }));
    }

    /** The filters as given (see {@link AdminFilters}): the domain (James's first by default), user, status, page. */
    private final class Filters {
        final AdminFilters fields;
        final String userText;
        final int page;
        final Domain domain;
        final Optional<Username> user;
        final Optional<SendAsOverview.Status> status;

        Filters(Request request, String prefix) {
            fields = new AdminFilters(request, prefix);
            String domainText = fields.text("domain");
            userText = fields.text("user");
            String statusText = fields.text("status");
            page = fields.page();
            Domain first = services.firstDomain();
            domain = domainText.isEmpty() ? first : fields.read(() -> services.knownDomain(domainText), first);
            user = userText.isEmpty() ? Optional.empty() : fields.read(() -> Optional.of(AdminFilters.user(userText, "user")), Optional.empty());
            status = statusText.isEmpty() ? Optional.empty()
                : fields.read(() -> Optional.of(SendAsOverview.Status.parse(statusText)), Optional.empty());
        }

        String url(int pageNumber) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("domain", domain == null ? "" : domain.asString());
            query.put("user", user.map(Username::asString).orElse(""));
            query.put("status", status.map(SendAsOverview.Status::label).orElse(""));
            query.put("page", Integer.toString(pageNumber));
            return AdminFilters.url(PATH, query);
        }
    }

    private Filters filtersOf(Request request, String prefix) {
        return new Filters(request, prefix);
    }

    /**
     * @param failedAddress the address whose action was refused, with {@code error}; null: none
     */
    private String render(Sessions.Session session, Response response, Filters filters, String failedAddress, String error) {
        AdminArea.Header header = AdminArea.header(session, AdminArea.Section.SEND_AS);
        if (filters.fields.anyError() && error == null) {
            response.status(400);
        }
        String domain = filters.domain == null ? "" : filters.domain.asString();
        List<AdminSendAsPage.Row> rows = new ArrayList<>();
        AdminSendAsPage.Paging paging = new AdminSendAsPage.Paging("James has no domain yet.", null, null);
        if (filters.domain != null) {
            SendAsOverview.Page page = services.overview.find(filters.domain, filters.user, filters.status,
                (filters.page - 1) * PAGE_SIZE, PAGE_SIZE);
            for (SendAsOverview.Entry entry : page.entries()) {
                rows.add(row("r" + rows.size(), entry, entry.sendAs().address().equalsIgnoreCase(
                    Optional.ofNullable(failedAddress).orElse("")) ? error : null));
            }
            paging = paging(filters, page);
        }
        boolean shownOnARow = rows.stream().anyMatch(row -> row.error() != null);
        String alert = error != null && !shownOnARow ? failedAddress + ": " + error
            : filters.fields.errorOf("domain").or(() -> filters.fields.errorOf("page")).orElse(null);
        return templates.adminSendAs(new AdminSendAsPage(alert == null ? header : header.withAlert(alert), domain,
            filterFields(filters), rows, paging, new AdminSendAsPage.Back(domain,
                filters.user.map(Username::asString).orElse(""), filters.status.map(SendAsOverview.Status::label).orElse(""),
                filters.page)));
    }

    private AdminSendAsPage.Paging paging(Filters filters, SendAsOverview.Page page) {
        int first = (filters.page - 1) * PAGE_SIZE + 1;
        int last = first + page.entries().size() - 1;
        String summary = page.total() == 0 ? "No address matches."
            : page.entries().isEmpty() ? "No address on page " + filters.page + " (" + page.total() + " in all)."
            : "Addresses " + first + "–" + last + " of " + page.total() + ".";
        return new AdminSendAsPage.Paging(summary, filters.page > 1 ? filters.url(filters.page - 1) : null,
            last < page.total() && !page.entries().isEmpty() ? filters.url(filters.page + 1) : null);
    }

    private List<SendAsPage.Field> filterFields(Filters filters) {
        List<SendAsPage.Option> domains = services.domains().stream()
            .map(domain -> new SendAsPage.Option(domain.asString(), domain.asString(), domain.equals(filters.domain)))
            .toList();
        List<SendAsPage.Option> statuses = new ArrayList<>();
        statuses.add(new SendAsPage.Option("", "Any", filters.status.isEmpty()));
        for (SendAsOverview.Status status : SendAsOverview.Status.values()) {
            statuses.add(new SendAsPage.Option(status.label(), status.label().replace('-', ' '), filters.status.filter(status::equals).isPresent()));
        }
        return List.of(
            new SendAsPage.Field("filter-domain", "domain", "Domain", "", "", null, null, false, null, domains),
            new SendAsPage.Field("filter-user", "user", "User (email address; empty: every user)", "email", filters.userText,
                null, null, false, filters.fields.errorOf("user").orElse(null), List.of()),
            new SendAsPage.Field("filter-status", "status", "Status", "", "", null, null, false,
                filters.fields.errorOf("status").orElse(null), statuses));
    }

    private AdminSendAsPage.Row row(String id, SendAsOverview.Entry entry, String error) {
        SendAsView view = entry.sendAs();
        boolean pending = view.status().equals("pending");
        List<AdminSendAsPage.Action> actions = new ArrayList<>();
        if (pending) {
            actions.add(new AdminSendAsPage.Action("vouch", "Vouch"));
            actions.add(new AdminSendAsPage.Action("verification", "Send a new code"));
        }
        if (view.host() != null) {
            actions.add(new AdminSendAsPage.Action("test", "Test the relay"));
        }
        actions.add(new AdminSendAsPage.Action("remove", "Remove"));
        Last last = last(entry);
        return new AdminSendAsPage.Row(id, entry.owner().asString(), view.address(), view.displayName(),
            view.reconnectNeeded() ? "reconnect needed" : view.status(), view.reconnectNeeded() ? "reconnect-needed" : view.status(),
            view.host() == null ? "none: sent by our servers" : view.host() + ":" + view.port(),
            view.host() == null ? "" : securityOf(view.security()),
            view.host() == null ? "" : view.provider() == null ? "password" : "OAuth (" + view.provider() + ")",
            last.words(), last.at(), error, actions, view.dmarcWarning());
    }

    private record Last(String words, AdminSendAsPage.When at) {
    }

    private Last last(SendAsOverview.Entry entry) {
        try {
            Optional<RelayAttempt> latest = attempts.latestFor(entry.address());
            return new Last(OutcomeWords.forAdmin(latest, clock.instant(), entry.sendAs().provider() != null),
                latest.map(attempt -> AdminSendAsPage.When.of(attempt.at())).orElse(null));
        } catch (RuntimeException e) {
            return new Last("unknown (the audit trail cannot be read now)", null);
        }
    }

    static String securityOf(String security) {
        return switch (security) {
            case "SMTPS" -> "SSL/TLS";
            case "NONE" -> "none (no TLS)";
            default -> security;
        };
    }

}
