package io.github.outboundrelay.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * James's own WebAdmin routes ({@code /users}, {@code /domains}, {@code /healthcheck}) behind the extension's guard, as
 * james-conf wires it: a web page in the admin's browser can neither set a user's password from another origin nor
 * through a name re-pointed at the server (DNS rebinding), its preflight is admitted by no answer, and the calls of
 * docs/QUICKSTART.md still work. Run against the stock memory server and against ./run's server.
 */
abstract class JamesRoutesGuardContract {
    static final String ALICE = "/users/alice@" + OutboundRelayJames.DOMAIN;
    static final String ATTACKER = "https://attacker.test";

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice");
    }

    @Test
    void aCrossOriginPasswordChangeIsRefused(GuiceJamesServer server) {
        given().spec(OutboundRelayJames.webAdmin(server)).header("Origin", ATTACKER).queryParam("force", "")
            .body(Map.of("password", "stolen")).put(ALICE)
            .then().statusCode(403).header("Access-Control-Allow-Origin", nullValue());

        aliceStillHasHerPassword(server);
    }

    @Test
    void aReboundHostIsRefused(GuiceJamesServer server) {
        String rebound = "rebound.attacker.test:" + webAdminPort(server);
        given().spec(OutboundRelayJames.webAdmin(server)).header("Host", rebound).queryParam("force", "")
            .body(Map.of("password", "stolen")).put(ALICE)
            .then().statusCode(421).body("message", containsString("Host"));
        given().spec(OutboundRelayJames.webAdmin(server)).header("Host", rebound).get("/users").then().statusCode(421);

        aliceStillHasHerPassword(server);
    }

    @Test
    void thePreflightAdmitsNoForeignOrigin(GuiceJamesServer server) {
        given().spec(OutboundRelayJames.webAdmin(server)).header("Origin", ATTACKER)
            .header("Access-Control-Request-Method", "PUT").header("Access-Control-Request-Headers", "content-type")
            .options(ALICE)
            .then().statusCode(403).header("Access-Control-Allow-Origin", nullValue());
    }

    /** As docs/QUICKSTART.md's curl calls send them: the domain without a body, the user with a JSON one. */
    @Test
    void theQuickstartCallsStillWork(GuiceJamesServer server) throws Exception {
        assertThat(send(HttpRequest.newBuilder(uri(server, "/domains/" + OutboundRelayJames.DOMAIN))
            .PUT(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(204);
        assertThat(send(HttpRequest.newBuilder(uri(server, "/users/erin@" + OutboundRelayJames.DOMAIN))
            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"password\":\"erin-secret\"}")))
            .statusCode()).isEqualTo(204);
        HttpResponse<String> health = send(HttpRequest.newBuilder(uri(server, "/healthcheck")).GET());
        assertThat(health.body()).contains("Outbound relay");
        assertThat(health.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private static void aliceStillHasHerPassword(GuiceJamesServer server) {
        given().spec(OutboundRelayJames.webAdmin(server)).body(Map.of("password", OutboundRelayJames.PASSWORD))
            .post(ALICE + "/verify").then().statusCode(204);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(GuiceJamesServer server, String path) {
        return URI.create("http://127.0.0.1:" + webAdminPort(server) + path);
    }

    private static int webAdminPort(GuiceJamesServer server) {
        return server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }
}
