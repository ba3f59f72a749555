package io.github.outboundrelay.selfservice;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.github.outboundrelay.core.oauth.OAuthProvider;
import io.github.outboundrelay.core.settings.OAuthProviderRequest;
import io.github.outboundrelay.core.settings.OAuthProviderSettings;
import io.github.outboundrelay.core.settings.Refusal;
import io.github.outboundrelay.core.settings.SendAsSettingsException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * "OAuth providers", WebAdmin's {@code /outbound-relay/oauth-providers} for the presets in the browser:
 * {@code GET /admin/oauth} lists them; {@code POST /admin/oauth/save} adds ({@code mode=add}: refused when the id is
 * taken) or edits ({@code mode=edit}) one from the Microsoft 365 or Google preset, the form read into the very document
 * {@link OAuthProviderRequest} validates for WebAdmin (an empty client secret is left out: the stored one is kept while
 * the endpoints stay), saved through {@link OAuthProviderSettings} as the signed-in admin; {@code POST
 * /admin/oauth/remove} removes one. Providers set with an issuer or explicit endpoints are listed and removable here,
 * and edited with WebAdmin.
 */
final class AdminOAuthRoutes {
    private static final String PATH = AdminArea.ROOT + "/oauth";
    private static final String MICROSOFT = "microsoft365";
    private static final String GOOGLE = "google";
    private static final Set<String> FIELDS = Set.of("id", "tenant", "clientId", "clientSecret");

    private final AdminArea area;
    private final AdminServices services;
    private final Pages templates;
    private final Optional<URI> publicUrl;

    AdminOAuthRoutes(AdminArea area, AdminServices services, Pages templates, Optional<URI> publicUrl) {
        this.area = area;
        this.services = services;
        this.templates = templates;
        this.publicUrl = publicUrl;
    }

    void define(Service service) {
        service.get(PATH, (request, response) -> area.page(request, response, session ->
            render(session, FormErrors.none(), Map.of(), null)));
        service.post(PATH + "/save", (request, response) -> area.action(request, response, session -> save(request, response, session)));
        service.post(PATH + "/remove", (request, response) -> area.action(request, response, session -> {
            String id = PageRoutes.text(request, "id");
            if (!services.providers.remove(AdminArea.actor(session), id)) {
                response.status(404);
                return render(session, FormErrors.none(), Map.of(), "No OAuth provider " + id + ": nothing was removed.");
            }
            session.notice("The provider " + id + " is removed: accounts connected through it wait until it is set again.");
            return PageRoutes.redirect(response, PATH);
        }));
    }

    private Object save(Request request, Response response, Sessions.Session session) {
        String mode = PageRoutes.text(request, "mode");
        String preset = PageRoutes.text(request, "preset");
        String id = PageRoutes.text(request, "id");
        String form = mode.equals("edit") ? editFormOf(id) : "add-" + preset;
        try {
            Optional<OAuthProvider> existing = services.providers.find(id);
            if (mode.equals("add") && existing.isPresent()) {
                throw new SendAsSettingsException(SendAsSettingsException.Kind.CONFLICT, Optional.of("id"),
                    "'id' " + id + " is taken by a provider set already: edit that one");
            }
            if (!mode.equals("add") && existing.isEmpty()) {
                throw new SendAsSettingsException(SendAsSettingsException.Kind.NOT_FOUND, "No OAuth provider " + id);
            }
            String secret = RequestGuard.field(request, "clientSecret").orElse("");
            OAuthProviderRequest.Body body = OAuthProviderRequest.Body.ofPreset(preset,
                preset.equals(MICROSOFT) ? Optional.of(PageRoutes.text(request, "tenant")) : Optional.empty(),
                PageRoutes.text(request, "clientId"), secret.isEmpty() ? Optional.empty() : Optional.of(secret));
            OAuthProvider provider = services.providerRequests.parse(id, body, existing);
            services.providers.save(AdminArea.actor(session), provider);
            session.notice("The provider " + id + " is saved" + (existing.filter(provider::tokenEndpointMovedFrom).isPresent()
                ? ": its token endpoint moved, so the accounts connected through it must be connected again." : "."));
            return PageRoutes.redirect(response, PATH);
        } catch (RuntimeException e) {
            Refusal refusal = Refusal.of(e).orElseThrow(() -> e);
            response.status(refusal.status());
            Map<String, String> entered = new HashMap<>();
            for (String field : List.of("id", "tenant", "clientId")) {
                entered.put(field, PageRoutes.text(request, field));
            }
            return render(session, FormErrors.of(form, refusal), entered, null);
        }
    }

    private String editFormOf(String id) {
        List<OAuthProvider> all = services.providers.all();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id().equals(id)) {
                return "p" + i + "-edit";
            }
        }
        return "";
    }

    /** @param entered what the refused form held (never its secret) */
    private String render(Sessions.Session session, FormErrors errors, Map<String, String> entered, String alert) {
        List<AdminOAuthPage.Provider> rows = new ArrayList<>();
        List<OAuthProvider> all = services.providers.all();
        for (int i = 0; i < all.size(); i++) {
            OAuthProvider provider = all.get(i);
            String form = "p" + i + "-edit";
            Map<String, String> values = errors.isFor(form) ? entered : Map.of("id", provider.id(),
                "tenant", tenantOf(provider).orElse(""), "clientId", provider.clientId());
            rows.add(new AdminOAuthPage.Provider(provider.id(), "p" + i, OAuthConnectRoutes.label(provider), provider.clientId(),
                provider.clientSecret().isPresent() ? "set" : "none (public client)",
                provider.relay().host() + ":" + provider.relay().port() + " " + AdminSendAsRoutes.securityOf(provider.relay().security().name()),
                presetOf(provider).map(preset -> form(form, "Edit", preset, "edit", provider.id(), values, errors)).orElse(null),
                null));
        }
        AdminArea.Header header = AdminArea.header(session, AdminArea.Section.OAUTH);
        return templates.adminOAuth(new AdminOAuthPage(alert == null ? header : header.withAlert(alert),
            publicUrl.map(url -> url + OAuthConnectRoutes.CALLBACK).orElse(null), rows, List.of(
                form("add-" + MICROSOFT, "Microsoft 365", MICROSOFT, "add", null,
                    errors.isFor("add-" + MICROSOFT) ? entered : Map.of("id", "m365"), errors),
                form("add-" + GOOGLE, "Google", GOOGLE, "add", null,
                    errors.isFor("add-" + GOOGLE) ? entered : Map.of("id", "google"), errors))));
    }

    private static AdminOAuthPage.ProviderForm form(String form, String title, String preset, String mode, String providerId,
                                                   Map<String, String> values, FormErrors errors) {
        List<SendAsPage.Field> fields = new ArrayList<>();
        if (providerId == null) {
            fields.add(field(form, "id", "Id (lower-case letters, digits, '-'; users never see it)", "text", values, errors).withRequired());
        }
        if (preset.equals(MICROSOFT)) {
            fields.add(field(form, "tenant", "Tenant (Entra ID tenant id or domain, or 'organizations')", "text", values, errors).withRequired());
        }
        fields.add(field(form, "clientId", "Client id (application id)", "text", values, errors).withRequired());
        fields.add(field(form, "clientSecret", providerId == null ? "Client secret (empty: a public client)"
            : "Client secret (empty: keep it; needed again when the tenant changes)", "password", Map.of(), errors)
            .withAutocomplete("off"));
        return new AdminOAuthPage.ProviderForm(form, title, preset, mode, providerId, errors.general(form, FIELDS).orElse(null),
            errors.isFor(form), fields, providerId == null ? "Add " + title : "Save changes");
    }

    private static SendAsPage.Field field(String form, String name, String label, String type, Map<String, String> values,
                                          FormErrors errors) {
        return new SendAsPage.Field(form + "-" + name, name, label, type, values.getOrDefault(name, ""), null, null, false,
            errors.forField(form, name).orElse(null), List.of());
    }

    private static Optional<String> presetOf(OAuthProvider provider) {
        String label = OAuthConnectRoutes.label(provider);
        return label.equals("Microsoft 365") ? Optional.of(MICROSOFT) : label.equals("Google") ? Optional.of(GOOGLE) : Optional.empty();
    }

    /** login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize */
    private static Optional<String> tenantOf(OAuthProvider provider) {
        String[] segments = provider.authorizationEndpoint().getPath().split("/");
        return presetOf(provider).filter(MICROSOFT::equals).filter(preset -> segments.length > 1).map(preset -> segments[1]);
    }
}
