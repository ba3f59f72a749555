package io.github.outboundrelay.selfservice;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.secrets.SecretRotation;
import io.github.outboundrelay.core.settings.Refusal;
import spark.Response;
import spark.Service;

/**
 * Key rotation, WebAdmin's {@code POST /outbound-relay/secrets/rotation} in the browser: {@code GET /admin/keys} shows
 * the active key's id (a name, never key material) and the form; {@code POST /admin/keys} rotates through
 * {@link SecretRotation} with the signed-in admin as actor, once its confirmation box is checked (the step that says
 * other nodes need the new key file): without it, {@code 400} naming {@code confirm} next to the box, nothing done.
 */
final class AdminKeysRoutes {
    private static final String PATH = AdminArea.ROOT + "/keys";

    private final AdminArea area;
    private final AdminServices services;
    private final Pages templates;

    AdminKeysRoutes(AdminArea area, AdminServices services, Pages templates) {
        this.area = area;
        this.services = services;
        this.templates = templates;
    }

    /** {@code error}: the refusal of the form, {@code confirmError} the one of its box (null: none). */
    record KeysPage(AdminArea.Header header, String activeKeyId, String error, String confirmError) {
        String csrf() {
            return header.csrf();
        }

        String id() {
            return "rotate";
        }
    }

    void define(Service service) {
        service.get(PATH, (request, response) -> area.page(request, response, session -> render(session, null)));
        service.post(PATH, (request, response) -> area.action(request, response, session -> {
            try {
                if (!"yes".equals(PageRoutes.text(request, "confirm"))) {
                    throw new InvalidFieldException("confirm", "must be checked: every other James node needs the new key "
                        + "file before it reads a secret sealed with the new key");
                }
                SecretRotation.Result result = services.rotation.rotate(AdminArea.actor(session),
                    RequestGuard.field(request, "retireUnusedKeys").isPresent());
                session.notice("Rotated: the active key is now " + result.activeKeyId() + ", " + result.resealed()
                    + " secret(s) sealed again" + (result.retiredKeys().isEmpty() ? "" : ", keys retired: "
                    + String.join(", ", result.retiredKeys().stream().sorted().toList())) + ". Copy the key file to every other node.");
                return PageRoutes.redirect(response, PATH);
            } catch (RuntimeException e) {
                Refusal refusal = Refusal.of(e).orElseThrow(() -> e);
                response.status(refusal.status());
                return render(session, refusal);
            }
        }));
    }

    private String render(Sessions.Session session, Refusal refusal) {
        boolean aboutTheBox = refusal != null && refusal.field().filter("confirm"::equals).isPresent();
        return templates.adminKeys(new KeysPage(AdminArea.header(session, AdminArea.Section.KEYS),
            services.keys.activeKeyId(), refusal != null && !aboutTheBox ? refusal.message() : null,
            aboutTheBox ? refusal.message() : null));
    }
}
