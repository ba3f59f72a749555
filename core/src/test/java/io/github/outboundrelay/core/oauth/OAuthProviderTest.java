package io.github.outboundrelay.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.outboundrelay.core.InvalidFieldException;
import io.github.outboundrelay.core.RelaySecurity;
import io.github.outboundrelay.core.RelayServer;
import io.github.outboundrelay.core.secrets.SealedSecret;

class OAuthProviderTest {
    private static final RelayServer RELAY = new RelayServer("smtp.partner.test", 587, RelaySecurity.STARTTLS);

    @Test
    void microsoft365PresetIsWhatMicrosoftDocuments() {
        OAuthProvider m365 = OAuthPresets.microsoft365("m365", "contoso.onmicrosoft.com", "client-id", Optional.empty());
        assertThat(m365.authorizationEndpoint()).isEqualTo(URI.create("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize"));
        assertThat(m365.tokenEndpoint()).isEqualTo(URI.create("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"));
        assertThat(m365.deviceAuthorizationEndpoint()).contains(URI.create("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"));
        assertThat(m365.scope()).isEqualTo("https://outlook.office.com/SMTP.Send offline_access");
        assertThat(m365.relay()).isEqualTo(new RelayServer("smtp.office365.com", 587, RelaySecurity.STARTTLS));
        m365.checkEndpoints(OAuthEndpointPolicy.httpsOnly());
    }

    @Test
    void googlePresetAsksForARefreshToken() {
        OAuthProvider google = OAuthPresets.google("google", "client-id.apps.googleusercontent.com", Optional.empty());
        assertThat(google.scope()).isEqualTo("https://mail.google.com/");
        assertThat(google.relay()).isEqualTo(new RelayServer("smtp.gmail.com", 587, RelaySecurity.STARTTLS));
        assertThat(google.authorizationParameters()).containsEntry("access_type", "offline").containsEntry("prompt", "consent");
        google.checkEndpoints(OAuthEndpointPolicy.httpsOnly());
    }

    @Test
    void badValuesNameTheirField() {
        assertThatThrownBy(() -> provider("Not An Id", "client", List.of("smtp"))).isInstanceOf(InvalidFieldException.class)
            .hasMessageStartingWith("'id'");
        assertThatThrownBy(() -> provider("p", " ", List.of("smtp"))).hasMessageStartingWith("'clientId'");
        assertThatThrownBy(() -> provider("p", "client", List.of())).hasMessageStartingWith("'scopes'");
        assertThatThrownBy(() -> provider("p", "client", List.of("a b"))).hasMessageStartingWith("'scopes'");
        assertThatThrownBy(() -> OAuthPresets.microsoft365("m", "contoso/../x", "client", Optional.empty())).hasMessageStartingWith("'tenant'");
    }

    @Test
    void authorizationParametersCannotReplaceWhatTheRequestSetsItself() {
        for (String reserved : List.of("state", "redirect_uri", "code_challenge", "code_challenge_method", "client_id",
            "response_type", "scope", "request_uri", "Redirect_URI")) {
            assertThatThrownBy(() -> provider(Map.of(reserved, "https://evil.test/")))
                .as(reserved).isInstanceOf(InvalidFieldException.class)
                .hasMessage("'authorizationParameters' cannot set '" + reserved + "': the authorization request sets it itself");
        }
        assertThatThrownBy(() -> provider(Map.of("prompt\r\nX", "consent"))).hasMessageStartingWith("'authorizationParameters'");
        assertThat(provider(Map.of("prompt", "consent", "access_type", "offline")).authorizationParameters()).hasSize(2);
    }

    @Test
    void toStringShowsWhetherASecretIsSetButNeverIt() {
        SealedSecret secret = new SealedSecret("k1", "c2VhbGVkLXNlY3JldC1ieXRlcw==");
        OAuthProvider provider = provider("p", "client", List.of("smtp")).withClientSecret(Optional.of(secret));
        assertThat(provider.toString()).contains("secret set").doesNotContain(secret.sealed());
    }

    private static OAuthProvider provider(Map<String, String> authorizationParameters) {
        return new OAuthProvider("p", URI.create("https://login.partner.test/authorize"), URI.create("https://login.partner.test/token"),
            Optional.empty(), "client", Optional.empty(), List.of("smtp"), authorizationParameters, RELAY);
    }

    private static OAuthProvider provider(String id, String clientId, List<String> scopes) {
        return new OAuthProvider(id, URI.create("https://login.partner.test/authorize"), URI.create("https://login.partner.test/token"),
            Optional.empty(), clientId, Optional.empty(), scopes, Map.of(), RELAY);
    }
}
