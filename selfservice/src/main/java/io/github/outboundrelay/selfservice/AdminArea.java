package io.github.outboundrelay.selfservice;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import io.github.outboundrelay.core.settings.Actor;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The door of the admin area ({@code /admin} and everything under it): only a signed-in administrator
 * ({@link Administrators}) passes. Everyone else, signed in or not, gets the same {@code 403} page for every method and
 * every path under {@code /admin}, existing or not, before any route reads the request: nothing tells which pages
 * exist. The users' protections apply as they are: the server-side session and its {@code __Host-} cookie, the
 * session's CSRF token on every form (checked by {@link #action}), the Origin check and the 16 KiB body limit of every
 * request ({@link PageRoutes}, {@link RequestGuard}), the throttled sign-in of the one sign-in page.
 */
final class AdminArea {
    static final String ROOT = "/admin";

    /** The links at the top of every admin page. */
    enum Section {
        DOMAINS(ROOT, "Domains"),
        SEND_AS(ROOT + "/send-as", "Who sends as what"),
        AUDIT(ROOT + "/audit", "What happened"),
        OAUTH(ROOT + "/oauth", "OAuth providers"),
        KEYS(ROOT + "/keys", "Key rotation");

        private final String path;
        private final String label;

        Section(String path, String label) {
            this.path = path;
            this.label = label;
        }
    }

    /** What every admin page shows at its top: who is signed in, and the outcome of the last action. */
    record Header(String admin, String csrf, String notice, String alert, List<NavLink> nav) {
        /** The same, telling what went wrong (an action refused, a filter that cannot be read). */
        Header withAlert(String text) {
            return new Header(admin, csrf, notice, text, nav);
        }
    }

    record NavLink(String href, String label, boolean current) {
    }

    private final Sessions sessions;
    private final Administrators administrators;
    private final Pages templates;

    AdminArea(Sessions sessions, Administrators administrators, Pages templates) {
        this.sessions = sessions;
        this.administrators = administrators;
        this.templates = templates;
    }

    /** Registered after {@link PageRoutes}'s filter, which sets the security headers of the 403 page too. */
    void define(Service service) {
        service.before((request, response) -> {
            if (isAdminPath(request.uri()) && signedInAdmin(request).isEmpty()) {
                throw service.halt(403, adminsOnly(response));
            }
        });
    }

    boolean isAdmin(org.apache.james.core.Username user) {
        return administrators.isAdmin(user);
    }

    /**
     * Whether Spark could route this path into the admin area: its first segment, decoded and in any case, is
     * {@code admin} ({@code /admin}, {@code /admin/}, {@code /Admin/x}, {@code //admin}, {@code /%61dmin}, {@code /admin;x}).
     */
    static boolean isAdminPath(String uri) {
        String path = decoded(uri == null ? "" : uri).toLowerCase(Locale.ROOT);
        for (String segment : path.split("/")) {
            String name = segment.split(";", 2)[0];
            if (!name.isEmpty() && !name.equals(".")) {
                return name.equals("admin");
            }
        }
        return false;
    }

    private static String decoded(String uri) {
        try {
            return URLDecoder.decode(uri.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return uri;
        }
    }

    private Optional<Sessions.Session> signedInAdmin(Request request) {
        return Visitor.sessionId(request).flatMap(sessions::find).filter(session -> administrators.isAdmin(session.user()));
    }

    private String adminsOnly(Response response) {
        response.type("text/html; charset=utf-8");
        return templates.adminsOnly();
    }

    /** A page of the area, for the signed-in admin (the filter let only admins in; asked again here all the same). */
    Object page(Request request, Response response, Function<Sessions.Session, Object> page) {
        Optional<Sessions.Session> session = signedInAdmin(request);
        if (session.isEmpty()) {
            response.status(403);
            return adminsOnly(response);
        }
        response.type("text/html; charset=utf-8");
        return page.apply(session.get());
    }

    /**
     * A form's action: refused (403, nothing done) without the session's CSRF token; otherwise {@code action} runs with
     * the admin as the actor the audit trail records.
     */
    Object action(Request request, Response response, Function<Sessions.Session, Object> action) {
        return page(request, response, session -> {
            if (!ApiRoutes.sameToken(session.csrfToken(), RequestGuard.field(request, Visitor.CSRF_FIELD).orElse(""))) {
                response.status(403);
                return templates.refused(new Pages.RefusedPage("This form has expired or came from another site", ROOT,
                    "Back to the administration"));
            }
            return action.apply(session);
        });
    }

    static Actor actor(Sessions.Session session) {
        return Actor.admin(session.user());
    }

    /** The header of a page of {@code section}; the notice and alert of the last action are read once. */
    static Header header(Sessions.Session session, Section current) {
        return new Header(session.user().asString(), session.csrfToken(), session.takeNotice(), session.takeAlert(),
            List.of(Section.values()).stream().map(section -> new NavLink(section.path, section.label, section == current)).toList());
    }
}
