package io.github.outboundrelay.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.restassured.specification.RequestSpecification;

/**
 * The OAuth provider routes in a James booted from james-conf (issue 12, in progress): registered in
 * webadmin.properties, built by James's injector with the JDBC store, the client secret never shown, and the
 * shipped configuration refusing http endpoints.
 */
class OAuthProvidersIntegrationTest {
    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped());

    private static final String SECRET = "oauth-client-secret-51c";

    @Test
    void providerIsSavedInTheStoreAndItsSecretNeverShown(GuiceJamesServer server) {
        RequestSpecification admin = OutboundRelayJames.webAdmin(server);
        String put = given().spec(admin).body(Map.of("preset", "microsoft365", "tenant", "contoso.onmicrosoft.com",
                "clientId", "app-id", "clientSecret", SECRET)).put("/outbound-relay/oauth-providers/m365")
            .then().statusCode(200).body("clientSecretSet", equalTo(true)).body("relay.host", equalTo("smtp.office365.com"))
            .extract().asString();
        String list = given().spec(admin).get("/outbound-relay/oauth-providers")
            .then().statusCode(200).body("[0].id", equalTo("m365")).extract().asString();
        assertThat(put + list).doesNotContain(SECRET);

        given().spec(admin).body(Map.of("authorizationEndpoint", "https://login.partner.test/authorize",
                "tokenEndpoint", "http://127.0.0.1:9/token", "clientId", "relay", "scopes", java.util.List.of("smtp"),
                "relay", Map.of("host", "smtp.partner.test", "port", 587, "security", "STARTTLS")))
            .put("/outbound-relay/oauth-providers/partner")
            .then().statusCode(400).body("message", startsWith("'tokenEndpoint' must use https"));
        given().spec(admin).delete("/outbound-relay/oauth-providers/m365").then().statusCode(204);
    }
}
