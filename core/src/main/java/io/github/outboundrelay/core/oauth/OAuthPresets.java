package io.github.outboundrelay.core.oauth;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.secrets.SealedSecret;

/**
 * The two providers most partner accounts use, as their documentation gives them (checked 2026-11): the admin adds
 * only the client registered with them (id, and secret for a confidential client).
 */
public final class OAuthPresets {
    /** Microsoft 365 SMTP AUTH with OAuth; {@code offline_access} is what makes Entra ID issue a refresh token. */
    public static final List<String> MICROSOFT_365_SCOPES = List.of("https://outlook.office.com/SMTP.Send", "offline_access");
    public static final RelayServer MICROSOFT_365_RELAY = new RelayServer("smtp.office365.com", 587, RelaySecurity.STARTTLS);
    /** Gmail SMTP: the full-mail scope is the only one Google accepts for SMTP. */
    public static final List<String> GOOGLE_SCOPES = List.of("https://mail.google.com/");
    public static final RelayServer GOOGLE_RELAY = new RelayServer("smtp.gmail.com", 587, RelaySecurity.STARTTLS);

    private OAuthPresets() {
    }

    /**
     * @param tenant the Entra ID tenant (a GUID or domain), or {@code organizations} for any work account
     */
    public static OAuthProvider microsoft365(String id, String tenant, String clientId, Optional<SealedSecret> clientSecret) {
        if (tenant == null || !tenant.matches("[A-Za-z0-9.-]{1,253}")) {
            throw new InvalidFieldException("tenant", "must be a tenant id or domain, got '" + tenant + "'");
        }
        String base = "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/";
        return new OAuthProvider(id, URI.create(base + "authorize"), URI.create(base + "token"),
            Optional.of(URI.create(base + "devicecode")), clientId, clientSecret, MICROSOFT_365_SCOPES, Map.of(),
            MICROSOFT_365_RELAY);
    }

    /** Google asks for {@code access_type=offline} and {@code prompt=consent} to issue a refresh token every time. */
    public static OAuthProvider google(String id, String clientId, Optional<SealedSecret> clientSecret) {
        return new OAuthProvider(id, URI.create("https://accounts.google.com/o/oauth2/v2/auth"),
            URI.create("https://oauth2.googleapis.com/token"), Optional.of(URI.create("https://oauth2.googleapis.com/device/code")),
            clientId, clientSecret, GOOGLE_SCOPES, Map.of("access_type", "offline", "prompt", "consent"), GOOGLE_RELAY);
    }
}
