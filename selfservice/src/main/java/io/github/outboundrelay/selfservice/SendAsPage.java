package io.github.outboundrelay.selfservice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.outboundrelay.core.DomainRelayPolicy;
import io.github.outboundrelay.core.settings.SendAsView;

/**
 * The view of the "Send mail as" page, as Gmail's settings show it, which {@code send-as.mustache} renders: the user's
 * addresses with their relay, status and last outcome, a form per action (verify, new code, test, edit, remove,
 * reconnect), "Add another address" as Gmail asks it (address and name first; the SMTP server's fields only where the
 * admin allows relays, and optional: without one, our servers send the address's mail) and, when the admin set OAuth
 * providers, "Connect with &lt;provider&gt;". Plain HTML forms, no script: each field has a label and its error stands next to it
 * ({@code aria-describedby}). Everything here is decided before rendering (which forms an address offers, each field's
 * id, value and error); a form or message that is null (or empty) is not shown.
 */
record SendAsPage(String user, String csrf, String notice, String alert, boolean alternateAddressesAllowed,
                  boolean relayAllowed, String domain, List<Address> addresses, Form add, Connect connect) {
    static final Set<String> RELAY_FIELDS = Set.of("address", "displayName", "host", "port", "security", "username", "password");
    static final Set<String> NAME_FIELDS = Set.of("address", "displayName");
    static final Set<String> CONNECT_FIELDS = Set.of("address", "displayName", "username", "provider");
    static final String CONNECT_FORM = "connect";

    /** One of the user's addresses and the last outcome in words. */
    record Row(SendAsView view, String lastOutcome) {
    }

    /** An OAuth provider set by the admin, and the name users know it by ("Microsoft 365"). */
    record Provider(String id, String label) {
    }

    /** One address as shown, with the forms it offers. */
    /** {@code relay}, {@code security}, {@code credential}, {@code signsInWith} are null for an address without relay. */
    /** {@code reconfirmWarning}: adding a server to this verified address asks for a new code (shown in its Edit). */
    /** {@code dmarcWarning}: what the address's domain's DMARC policy means for mail our servers send (null: nothing). */
    record Address(String id, String address, String displayName, String path, String pathInWords, String relay,
                   String security, String credential, String signsInWith, String status, String lastOutcome,
                   Form confirm, Button resend, Reconnect reconnect, Button test, Form edit, Button remove,
                   boolean reconfirmWarning, String dmarcWarning) {
    }

    /** A form with fields; {@code error} is a refusal that concerns none of them, shown at its top. */
    record Form(String id, String error, boolean open, List<Field> fields) {
    }

    /** A form that is one button acting on the address. */
    record Button(String id, String action, String label, String error) {
    }

    /** "Reconnect with &lt;provider&gt;": the account's username and provider go along unchanged. */
    record Reconnect(String id, String error, String username, String provider, String label) {
    }

    /** "Connect with &lt;provider&gt;": one button per provider; {@code providerError} is the refusal of the choice. */
    record Connect(String id, String error, List<Field> fields, List<Provider> providers, String providerError) {
    }

    /** A labelled input, or a select when it has options, with its error. */
    record Field(String id, String name, String label, String type, String value, String autocomplete, Range range,
                 boolean required, String error, List<Option> options) {
        boolean select() {
            return !options.isEmpty();
        }

        Field withRequired() {
            return new Field(id, name, label, type, value, autocomplete, range, true, error, options);
        }

        Field withAutocomplete(String purpose) {
            return new Field(id, name, label, type, value, purpose, range, required, error, options);
        }

        Field withRange(int min, int max) {
            return new Field(id, name, label, type, value, autocomplete, new Range(min, max), required, error, options);
        }
    }

    record Range(int min, int max) {
    }

    record Option(String value, String label, boolean selected) {
    }

    static SendAsPage of(String user, String csrf, DomainRelayPolicy policy, List<Row> rows, String notice, String alert,
                         FormErrors errors, Map<String, String> addValues, List<Provider> providers) {
        boolean alternate = policy.alternateAddressesAllowed();
        boolean relays = alternate && policy.relayAllowed();
        List<Address> addresses = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            addresses.add(address("a" + i, rows.get(i), user, alternate, relays, errors, providers));
        }
        return new SendAsPage(user, csrf, notice, alert, alternate, relays, policy.domain().asString(), addresses,
            alternate ? addForm(errors, addValues, relays) : null,
            relays && !providers.isEmpty() ? connectForm(errors, addValues, providers) : null);
    }

    private static Address address(String id, Row row, String user, boolean alternate, boolean relays, FormErrors errors,
                                   List<Provider> providers) {
        SendAsView view = row.view();
        boolean pending = alternate && view.status().equals("pending");
        boolean hasRelay = view.host() != null;
        String confirm = id + "-confirm";
        String reconnect = id + "-reconnect";
        // A stored relay is edited only while relays are allowed: saved without one, it would be dropped.
        Form edit = view.provider() != null ? null
            : relays ? editForm(id + "-edit", view, errors, true)
            : alternate && !hasRelay ? editForm(id + "-edit", view, errors, false)
            : null;
        return new Address(id, view.address(), view.displayName(), view.path(), pathInWords(view, user),
            hasRelay ? view.host() + ":" + view.port() : null,
            hasRelay ? (view.security().equals("SMTPS") ? "SSL/TLS" : view.security()) : null, view.credential(),
            hasRelay ? (view.provider() == null ? "password" : "OAuth (" + labelOf(view.provider(), providers) + ")") : null,
            view.status(), row.lastOutcome(),
            pending ? new Form(confirm, general(errors, confirm, Set.of("code")), false, List.of(
                field(confirm, "code", "Verification code", "text", "", errors).withAutocomplete("one-time-code").withRequired()))
                : null,
            pending ? button(id + "-resend", "/send-as/verification", "Send a new code", errors) : null,
            relays && view.reconnectNeeded() ? new Reconnect(reconnect, general(errors, reconnect, Set.of()),
                view.username(), view.provider() == null ? "" : view.provider(), labelOf(view.provider(), providers))
                : null,
            relays && hasRelay ? button(id + "-test", "/send-as/test", "Test connection", errors) : null,
            // An OAuth address has no password to change, and its server is the provider's: reconnect instead.
            edit,
            button(id + "-remove", "/send-as/remove", "Remove", errors),
            relays && !hasRelay && view.status().equals("verified"), view.dmarcWarning());
    }

    /**
     * Which way the address's mail goes now and why, in a user's words (the API's {@code path} and {@code pathReason}):
     * "Sent by smtp.partner.test", or "Sent by ourdomain.test: some recipients see 'on behalf of alice@ourdomain.test'"
     * preceded by why, when the address has a relay that is not used now.
     */
    static String pathInWords(SendAsView view, String user) {
        String ourDomain = user.substring(user.indexOf('@') + 1);
        String ourServers = "sent by " + ourDomain + ": some recipients see 'on behalf of " + user + "'";
        return switch (view.path()) {
            case "relay" -> "Sent by " + view.host();
            case "ourServers" -> switch (view.pathReason()) {
                case "relaysOff" -> "Other mail servers are turned off by your administrator, so " + ourServers;
                case "insecureRelaysOff" -> "Your administrator does not allow mail servers without TLS, so " + ourServers;
                default -> "S" + ourServers.substring(1);
            };
            default -> view.pathReason().equals("alternateAddressesOff")
                ? "Not sent: your administrator turned sending as other addresses off"
                : "Not sent until the address is verified";
        };
    }

    /** {@code withRelay}: the SMTP server's fields too (relays allowed); otherwise the name only. */
    private static Form editForm(String form, SendAsView view, FormErrors errors, boolean withRelay) {
        Map<String, String> values = new HashMap<>();
        values.put("displayName", view.displayName() == null ? "" : view.displayName());
        if (view.host() != null) {
            values.putAll(Map.of("host", view.host(), "port", Integer.toString(view.port()), "security", view.security(),
                "username", view.username()));
        }
        List<Field> fields = new ArrayList<>();
        fields.add(nameField(form, values, errors));
        if (withRelay) {
            fields.addAll(relayFields(form, values, errors,
                "New password (leave empty to keep it; needed when the server, port, security or username change)"));
        }
        return new Form(form, general(errors, form, withRelay ? RELAY_FIELDS : NAME_FIELDS), errors.isFor(form), fields);
    }

    private static Form addForm(FormErrors errors, Map<String, String> values, boolean withRelay) {
        String form = "add";
        List<Field> fields = new ArrayList<>();
        fields.add(field(form, "address", "Email address", "email", values.getOrDefault("address", ""), errors).withRequired());
        fields.add(nameField(form, values, errors));
        if (withRelay) {
            fields.addAll(relayFields(form, values, errors, "Password"));
        }
        return new Form(form, general(errors, form, withRelay ? RELAY_FIELDS : NAME_FIELDS), false, fields);
    }

    private static Connect connectForm(FormErrors errors, Map<String, String> values, List<Provider> providers) {
        String form = CONNECT_FORM;
        return new Connect(form, general(errors, form, CONNECT_FIELDS), List.of(
            field(form, "address", "Email address", "email", values.getOrDefault("connect.address", ""), errors).withRequired(),
            field(form, "displayName", "Name (optional)", "text", values.getOrDefault("connect.displayName", ""), errors),
            field(form, "username", "Account at the provider (empty: the address)", "text",
                values.getOrDefault("connect.username", ""), errors)),
            providers, errors.forField(form, "provider").orElse(null));
    }

    private static String labelOf(String providerId, List<Provider> providers) {
        return providers.stream().filter(provider -> provider.id().equals(providerId)).map(Provider::label).findFirst()
            .orElse(providerId == null ? "" : providerId);
    }

    private static Field nameField(String form, Map<String, String> values, FormErrors errors) {
        return field(form, "displayName", "Name (optional)", "text", values.getOrDefault("displayName", ""), errors);
    }

    /** The SMTP server, optional: an empty server means our servers send the address's mail. */
    private static List<Field> relayFields(String form, Map<String, String> values, FormErrors errors, String passwordLabel) {
        String security = values.getOrDefault("security", "STARTTLS");
        return List.of(
            field(form, "host", "SMTP server (optional: empty, our servers send the mail)", "text",
                values.getOrDefault("host", ""), errors),
            field(form, "port", "Port", "number", values.getOrDefault("port", "587"), errors).withRange(1, 65535),
            new Field(form + "-security", "security", "Security", "", "", null, null, false,
                errors.forField(form, "security").orElse(null), List.of(
                    new Option("STARTTLS", "STARTTLS", security.equals("STARTTLS")),
                    new Option("SMTPS", "SSL/TLS", security.equals("SMTPS")))),
            field(form, "username", "Username (empty: the address)", "text", values.getOrDefault("username", ""), errors),
            field(form, "password", passwordLabel, "password", "", errors).withAutocomplete("new-password"));
    }

    private static Field field(String form, String name, String label, String type, String value, FormErrors errors) {
        return new Field(form + "-" + name, name, label, type, value, null, null, false,
            errors.forField(form, name).orElse(null), List.of());
    }

    private static String general(FormErrors errors, String form, Set<String> shownFields) {
        return errors.general(form, shownFields).orElse(null);
    }

    private static Button button(String form, String action, String label, FormErrors errors) {
        return new Button(form, action, label, general(errors, form, Set.of()));
    }
}
