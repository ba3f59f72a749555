package io.github.outboundrelay.selfservice;

import static io.github.outboundrelay.selfservice.Html.escape;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.settings.SendAsView;

/**
 * The "Send mail as" page, as Gmail's settings show it: the user's addresses with their relay, status and last
 * outcome, a form per action (verify, new code, test, edit, remove, reconnect), "Add another address" with a password
 * and, when the admin set OAuth providers, "Connect with <provider>". Plain HTML forms, no script: each field has a label, errors stand next to their field ({@code aria-describedby}), and every value is
 * escaped.
 */
final class SendAsPage {
    static final Set<String> RELAY_FIELDS = Set.of("address", "displayName", "host", "port", "security", "username", "password");
    static final Set<String> CONNECT_FIELDS = Set.of("address", "displayName", "username", "provider");
    static final String CONNECT_FORM = "connect";

    /** One of the user's addresses and the last outcome in words. */
    record Row(SendAsView view, String lastOutcome) {
    }

    /** An OAuth provider set by the admin, and the name users know it by ("Microsoft 365"). */
    record Provider(String id, String label) {
    }

    private SendAsPage() {
    }

    static String signIn(String csrf, String error, String login) {
        String alert = error.isEmpty() ? "" : "<p class=\"error\" id=\"signin-error\" role=\"alert\">" + escape(error) + "</p>";
        String main = """
            <h2>Sign in</h2>
            <p>With your mail account: the address and password you use for mail.</p>
            %s
            <form method="post" action="/sign-in" class="card">
            <input type="hidden" name="csrf" value="%s">
            <label for="login">Email address</label>
            <input id="login" name="login" type="email" autocomplete="username" required value="%s"%s>
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required%s>
            <button type="submit">Sign in</button>
            </form>
            """.formatted(alert, escape(csrf), escape(login), described(!error.isEmpty(), "signin-error"),
            described(!error.isEmpty(), "signin-error"));
        return Html.page("Sign in — Send mail as", "<h1>Send mail as</h1>", main);
    }

    static String sendAs(String user, String csrf, DomainRelayPolicy policy, List<Row> rows, String notice, String alert,
                         FormErrors errors, Map<String, String> addValues, List<Provider> providers) {
        StringBuilder main = new StringBuilder();
        if (!notice.isEmpty()) {
            main.append("<p class=\"notice\" id=\"notice\" role=\"status\">").append(escape(notice)).append("</p>\n");
        }
        if (!alert.isEmpty()) {
            main.append("<p class=\"error alert\" id=\"alert\" role=\"alert\">").append(escape(alert)).append("</p>\n");
        }
        if (!policy.relayAllowed()) {
            main.append("<p class=\"blocked\" id=\"not-enabled\">Your administrator has not enabled sending mail as other "
                + "addresses through their own mail servers for ").append(escape(policy.domain().asString()))
                .append(". You can still see and remove the addresses below.</p>\n");
        }
        main.append("<h2>Your other addresses</h2>\n");
        if (rows.isEmpty()) {
            main.append("<p id=\"no-address\">None yet.</p>\n");
        }
        for (int i = 0; i < rows.size(); i++) {
            main.append(address(i, rows.get(i), user, csrf, policy.relayAllowed(), errors, providers));
        }
        if (policy.relayAllowed()) {
            main.append(addForm(csrf, errors, addValues));
            if (!providers.isEmpty()) {
                main.append(connectForm(csrf, errors, addValues, providers));
            }
        }
        String header = "<h1>Send mail as</h1><form method=\"post\" action=\"/sign-out\" class=\"signout\">"
            + csrfField(csrf) + "<span>Signed in as <strong id=\"user\">" + escape(user) + "</strong></span> "
            + "<button type=\"submit\">Sign out</button></form>";
        return Html.page("Send mail as — " + user, header, main.toString());
    }

    private static String address(int index, Row row, String user, String csrf, boolean writable, FormErrors errors,
                                  List<Provider> providers) {
        SendAsView view = row.view();
        String id = "a" + index;
        StringBuilder section = new StringBuilder();
        section.append("<section class=\"address\" id=\"").append(id).append("\" data-address=\"").append(escape(view.address()))
            .append("\">\n<h3>").append(escape(view.address()))
            .append(view.displayName() == null ? "" : " <span class=\"name\">(" + escape(view.displayName()) + ")</span>")
            .append("</h3>\n<dl>")
            .append("<dt>Sent</dt><dd class=\"path path-").append(escape(view.path())).append("\">")
            .append(escape(pathInWords(view, user))).append("</dd>");
        if (view.host() != null) {
            section.append("<dt>Mail server</dt><dd class=\"relay\">").append(escape(view.host() + ":" + view.port())).append("</dd>")
                .append("<dt>Security</dt><dd>").append(view.security().equals("SMTPS") ? "SSL/TLS" : escape(view.security())).append("</dd>")
                .append("<dt>Signs in with</dt><dd class=\"credential credential-").append(escape(view.credential())).append("\">")
                .append(view.provider() == null ? "password" : "OAuth (" + escape(labelOf(view.provider(), providers)) + ")")
                .append("</dd>");
        }
        section.append("<dt>Status</dt><dd class=\"status status-").append(escape(view.status())).append("\">").append(escape(view.status())).append("</dd>")
            .append("<dt>Last mail</dt><dd class=\"outcome\">").append(escape(row.lastOutcome())).append("</dd></dl>\n");
        if (writable && view.status().equals("pending")) {
            String form = id + "-confirm";
            section.append("<form method=\"post\" action=\"/send-as/confirm\" class=\"inline\">").append(csrfField(csrf))
                .append(hidden("address", view.address()))
                .append(generalError(errors, form, Set.of("code")))
                .append(field(form, "code", "Verification code", "text", "", errors, " autocomplete=\"one-time-code\" required"))
                .append("<button type=\"submit\">Verify</button></form>\n")
                .append(button("/send-as/verification", "Send a new code", csrf, view.address(), errors, id + "-resend"));
        }
        if (writable && view.reconnectNeeded()) {
            section.append(reconnectForm(id, view, csrf, errors, providers));
        }
        if (writable && view.host() != null) {
            section.append(button("/send-as/test", "Test connection", csrf, view.address(), errors, id + "-test"));
            if (view.provider() == null) {
                // An OAuth address has no password to change, and its server is the provider's: reconnect instead.
                section.append(editForm(id, view, csrf, errors));
            }
        }
        section.append(button("/send-as/remove", "Remove", csrf, view.address(), errors, id + "-remove"));
        return section.append("</section>\n").toString();
    }

    /** Which way the address's mail goes now and why, as the user sees it (the API's {@code path} and {@code pathReason}). */
    private static String pathInWords(SendAsView view, String user) {
        String ourDomain = user.substring(user.indexOf('@') + 1);
        return switch (view.path()) {
            case "relay" -> "Sent by " + view.host();
            case "ourServers" -> "Sent by " + ourDomain + ": some recipients see 'on behalf of " + user + "'"
                + switch (view.pathReason()) {
                    case "relaysOff" -> " (your administrator does not allow other mail servers now)";
                    case "insecureRelaysOff" -> " (your administrator does not allow mail servers without TLS)";
                    default -> "";
                };
            default -> view.pathReason().equals("alternateAddressesOff")
                ? "Not sent: your administrator turned sending as other addresses off"
                : "Not sent until the address is verified";
        };
    }

    private static String editForm(String id, SendAsView view, String csrf, FormErrors errors) {
        String form = id + "-edit";
        Map<String, String> values = Map.of("displayName", view.displayName() == null ? "" : view.displayName(),
            "host", view.host(), "port", Integer.toString(view.port()), "security", view.security(),
            "username", view.username());
        return "<details" + (errors.isFor(form) ? " open" : "") + "><summary>Edit</summary>\n"
            + "<form method=\"post\" action=\"/send-as/edit\">" + csrfField(csrf) + hidden("address", view.address())
            + generalError(errors, form, RELAY_FIELDS)
            + relayFields(form, values, errors, "New password (leave empty to keep it; needed when the server, port, "
                + "security or username change)", false)
            + "<button type=\"submit\">Save changes</button></form></details>\n";
    }

    private static String addForm(String csrf, FormErrors errors, Map<String, String> values) {
        String form = "add";
        return "<h2>Add another address</h2>\n<form method=\"post\" action=\"/send-as/add\" class=\"card\" id=\"add\">"
            + csrfField(csrf)
            + generalError(errors, form, RELAY_FIELDS)
            + field(form, "address", "Email address", "email", values.getOrDefault("address", ""), errors, " required")
            + relayFields(form, values, errors, "Password", true)
            + "<button type=\"submit\">Save and send the code</button></form>\n"
            + "<p class=\"hint\">We try the server (connection, TLS, password), then mail a code to the address.</p>\n";
    }

    private static String connectForm(String csrf, FormErrors errors, Map<String, String> values, List<Provider> providers) {
        String form = CONNECT_FORM;
        StringBuilder buttons = new StringBuilder();
        for (Provider provider : providers) {
            buttons.append("<button type=\"submit\" name=\"provider\" value=\"").append(escape(provider.id()))
                .append("\" id=\"connect-with-").append(escape(provider.id())).append("\"")
                .append(describedBy(form, "provider", errors)).append(">Connect with ")
                .append(escape(provider.label())).append("</button>");
        }
        return "<h2>Or connect an account that signs in with its provider</h2>\n"
            + "<form method=\"post\" action=\"/send-as/oauth/connect\" class=\"card\" id=\"connect\">" + csrfField(csrf)
            + generalError(errors, form, CONNECT_FIELDS)
            + field(form, "address", "Email address", "email", values.getOrDefault("connect.address", ""), errors, " required")
            + field(form, "displayName", "Name (optional)", "text", values.getOrDefault("connect.displayName", ""), errors, "")
            + field(form, "username", "Account at the provider (empty: the address)", "text",
                values.getOrDefault("connect.username", ""), errors, "")
            + buttons + fieldError(form, "provider", errors) + "</form>\n"
            + "<p class=\"hint\">You sign in at the provider and allow sending mail; no password is kept here. We then try "
            + "its server with the access given, and mail a code to the address.</p>\n";
    }

    private static String reconnectForm(String id, SendAsView view, String csrf, FormErrors errors, List<Provider> providers) {
        String form = id + "-reconnect";
        return "<p class=\"blocked\" id=\"" + form + "-needed\">The provider no longer accepts this account's access "
            + "(revoked, expired or its password changed): mail from this address waits until you reconnect it.</p>\n"
            + "<form method=\"post\" action=\"/send-as/oauth/connect\" class=\"inline\">" + csrfField(csrf)
            + hidden("address", view.address()) + hidden("username", view.username())
            + hidden("provider", view.provider() == null ? "" : view.provider()) + hidden("reconnect", "true")
            + generalError(errors, form, Set.of())
            + "<button type=\"submit\" id=\"" + form + "\">Reconnect with " + escape(labelOf(view.provider(), providers))
            + "</button></form>\n";
    }

    private static String labelOf(String providerId, List<Provider> providers) {
        return providers.stream().filter(provider -> provider.id().equals(providerId)).map(Provider::label).findFirst()
            .orElse(providerId == null ? "" : providerId);
    }

    private static String relayFields(String form, Map<String, String> values, FormErrors errors, String passwordLabel,
                                      boolean passwordRequired) {
        String security = values.getOrDefault("security", "STARTTLS");
        return field(form, "displayName", "Name (optional)", "text", values.getOrDefault("displayName", ""), errors, "")
            + field(form, "host", "SMTP server", "text", values.getOrDefault("host", ""), errors, " required")
            + field(form, "port", "Port", "number", values.getOrDefault("port", "587"), errors, " min=\"1\" max=\"65535\" required")
            + "<label for=\"" + form + "-security\">Security</label>"
            + "<select id=\"" + form + "-security\" name=\"security\"" + describedBy(form, "security", errors) + ">"
            + option("STARTTLS", "STARTTLS", security) + option("SMTPS", "SSL/TLS", security) + "</select>"
            + fieldError(form, "security", errors)
            + field(form, "username", "Username (empty: the address)", "text", values.getOrDefault("username", ""), errors, "")
            + field(form, "password", passwordLabel, "password", "", errors,
                " autocomplete=\"new-password\"" + (passwordRequired ? " required" : ""));
    }

    private static String field(String form, String name, String label, String type, String value, FormErrors errors,
                                String attributes) {
        String id = form + "-" + name;
        return "<label for=\"" + id + "\">" + escape(label) + "</label>"
            + "<input id=\"" + id + "\" name=\"" + name + "\" type=\"" + type + "\" value=\"" + escape(value) + "\""
            + attributes + describedBy(form, name, errors) + ">"
            + fieldError(form, name, errors);
    }

    private static String fieldError(String form, String name, FormErrors errors) {
        return errors.forField(form, name)
            .map(message -> "<p class=\"error\" id=\"" + form + "-" + name + "-error\" role=\"alert\">" + escape(message) + "</p>")
            .orElse("");
    }

    private static String describedBy(String form, String name, FormErrors errors) {
        return described(errors.forField(form, name).isPresent(), form + "-" + name + "-error")
            + (errors.forField(form, name).isPresent() ? " aria-invalid=\"true\"" : "");
    }

    private static String described(boolean present, String id) {
        return present ? " aria-describedby=\"" + id + "\"" : "";
    }

    private static String generalError(FormErrors errors, String form, Set<String> shownFields) {
        return errors.general(form, shownFields)
            .map(message -> "<p class=\"error\" id=\"" + form + "-error\" role=\"alert\">" + escape(message) + "</p>")
            .orElse("");
    }

    private static String button(String action, String label, String csrf, String address, FormErrors errors, String form) {
        return "<form method=\"post\" action=\"" + action + "\" class=\"inline\">" + csrfField(csrf) + hidden("address", address)
            + generalError(errors, form, Set.of())
            + "<button type=\"submit\">" + escape(label) + "</button></form>\n";
    }

    private static String option(String value, String label, String selected) {
        return "<option value=\"" + value + "\"" + (value.equals(selected) ? " selected" : "") + ">" + label + "</option>";
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escape(value) + "\">";
    }

    private static String csrfField(String csrf) {
        return hidden(Visitor.CSRF_FIELD, csrf);
    }
}
