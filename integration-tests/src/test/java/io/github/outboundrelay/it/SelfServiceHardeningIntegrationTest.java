package io.github.outboundrelay.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.outboundrelay.testing.SmtpPeer;

/**
 * The users' surface of a booted James, over HTTPS, against what a signed-in user (or anyone reaching the port) could
 * do to James's heap or around its checks: bodies over 16 KiB, declared or chunked, are refused before they are read;
 * a session does not outlive its user's password nor the account; no header changes the method Spark routes by.
 */
class SelfServiceHardeningIntegrationTest {
    static final int PORT = SmtpPeer.freePort();
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String ALICE = "alice@ourdomain.test";
    static final String COOKIE = "__Host-outbound-relay";

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped().selfServiceOn(PORT));

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice", "carol", "dave", "erin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT /api/send-as/alice@partner.test", "POST /api/send-as/alice@partner.test/confirm",
        "POST /sign-in", "POST /send-as/add", "POST /send-as/oauth/connect"})
    void aDeclaredBodyOverTheLimitIsRefusedBeforeItIsSent(String route) throws Exception {
        // 100 MiB announced, a few bytes sent: the answer must come without waiting for the rest.
        RawHttpsExchange.Answer answer = RawHttpsExchange.exchange(PORT, route + " HTTP/1.1\nHost: 127.0.0.1:" + PORT + "\n"
            + "Authorization: " + SelfServiceClient.basic(ALICE, OutboundRelayJames.PASSWORD) + "\n"
            + "Content-Type: " + contentType(route) + "\nContent-Length: " + (100 * 1024 * 1024) + "\n\n",
            "{\"code\":\"".getBytes(StandardCharsets.US_ASCII), WAIT);

        assertThat(answer.status()).as(answer.text()).isEqualTo(413);
        assertThat(answer.text()).contains("The request body is over 16384 bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT /api/send-as/alice@partner.test", "POST /sign-in", "POST /send-as/add"})
    void aChunkedBodyIsReadNoFurtherThanTheLimit(String route) throws Exception {
        // 80 KiB in chunks, and the body never ends: refused once past 16 KiB.
        RawHttpsExchange.Answer answer = RawHttpsExchange.exchange(PORT, route + " HTTP/1.1\nHost: 127.0.0.1:" + PORT + "\n"
            + "Authorization: " + SelfServiceClient.basic(ALICE, OutboundRelayJames.PASSWORD) + "\n"
            + "Content-Type: " + contentType(route) + "\nTransfer-Encoding: chunked\n\n",
            RawHttpsExchange.unfinishedChunks(20, 4096, 'a'), WAIT);

        assertThat(answer.status()).as(answer.text()).isEqualTo(413);
        assertThat(answer.text()).contains("The request body is over 16384 bytes");
    }

    @Test
    void aChunkedBodyWithinTheLimitReachesTheRoute() throws Exception {
        RawHttpsExchange.Answer answer = RawHttpsExchange.exchange(PORT, "PUT /api/send-as/alice@partner.test HTTP/1.1\n"
            + "Host: 127.0.0.1:" + PORT + "\nAuthorization: " + SelfServiceClient.basic(ALICE, OutboundRelayJames.PASSWORD)
            + "\nContent-Type: application/json\nTransfer-Encoding: chunked\n\n",
            RawHttpsExchange.chunked("{\"nope\":1}"), WAIT);

        assertThat(answer.status()).as(answer.text()).isEqualTo(400);
        assertThat(answer.text()).contains("'nope' is not a known field");
    }

    @Test
    void formsWithinTheLimitWorkAndABrokenEncodingNamesTheBody() throws Exception {
        SelfServiceClient client = new SelfServiceClient(PORT);
        assertThat(client.signIn(ALICE, OutboundRelayJames.PASSWORD).statusCode()).isEqualTo(303);

        RawHttpsExchange.Answer broken = RawHttpsExchange.exchange(PORT, "POST /sign-in HTTP/1.1\nHost: 127.0.0.1:" + PORT
            + "\nContent-Type: application/x-www-form-urlencoded\nContent-Length: 8\n\n",
            "login=%z".getBytes(StandardCharsets.US_ASCII), WAIT);
        assertThat(broken.status()).as(broken.text()).isEqualTo(400);
        assertThat(broken.text()).contains("&#39;body&#39; is not a URL-encoded form");
    }

    @Test
    void aPasswordChangedThroughJamesWebAdminEndsTheUsersSessions() throws Exception {
        SelfServiceClient client = new SelfServiceClient(PORT);
        String session = sessionOf(client, "carol@ourdomain.test");
        assertThat(page(client, session).statusCode()).isEqualTo(200);

        given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer())).body(Map.of("password", "carol-new-secret"))
            .put("/users/carol@ourdomain.test?force").then().statusCode(204);

        assertThat(page(client, session).statusCode()).isEqualTo(303);
        assertThat(api(client, session).statusCode()).isEqualTo(401);
        assertThat(page(client, sessionOf(client, "carol@ourdomain.test", "carol-new-secret")).statusCode()).isEqualTo(200);
    }

    @Test
    void aDeletedAccountsSessionsEnd() throws Exception {
        SelfServiceClient client = new SelfServiceClient(PORT);
        String session = sessionOf(client, "dave@ourdomain.test");
        assertThat(api(client, session).statusCode()).isEqualTo(200);

        given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer())).delete("/users/dave@ourdomain.test")
            .then().statusCode(204);

        assertThat(api(client, session).statusCode()).isEqualTo(401);
        assertThat(page(client, session).statusCode()).isEqualTo(303);
    }

    @Test
    void aMethodOverrideHeaderIsRefusedOnEveryRoute() throws Exception {
        SelfServiceClient client = new SelfServiceClient(PORT);
        String session = sessionOf(client, "erin@ourdomain.test");

        // A GET carries no CSRF token and passes the Origin check: Spark would route it as the DELETE or POST it names.
        HttpResponse<String> api = client.send(client.request("/api/send-as/erin@partner.test")
            .header("Cookie", COOKIE + "=" + session).header("X-HTTP-Method-Override", "DELETE").GET());
        HttpResponse<String> page = client.send(client.request("/sign-out")
            .header("Cookie", COOKIE + "=" + session).header("X-HTTP-Method-Override", "POST").GET());
        HttpResponse<String> harmless = client.send(client.request("/sign-in").header("X-HTTP-Method-Override", "GET").GET());

        assertThat(api.statusCode()).as(api.body()).isEqualTo(400);
        assertThat(api.body()).contains("'X-HTTP-Method-Override' is not accepted");
        assertThat(page.statusCode()).as(page.body()).isEqualTo(400);
        assertThat(page.body()).contains("&#39;X-HTTP-Method-Override&#39; is not accepted");
        assertThat(harmless.statusCode()).isEqualTo(400);
        assertThat(page(client, session).statusCode()).as("still signed in").isEqualTo(200);
    }

    private static String sessionOf(SelfServiceClient client, String user) throws Exception {
        return sessionOf(client, user, OutboundRelayJames.PASSWORD);
    }

    private static String sessionOf(SelfServiceClient client, String user, String password) throws Exception {
        return SelfServiceClient.cookie(client.signIn(user, password), COOKIE).orElseThrow();
    }

    private static HttpResponse<String> page(SelfServiceClient client, String session) throws Exception {
        return client.send(client.request("/send-as").header("Cookie", COOKIE + "=" + session).GET());
    }

    private static HttpResponse<String> api(SelfServiceClient client, String session) throws Exception {
        return client.send(client.request("/api/send-as").header("Cookie", COOKIE + "=" + session).GET());
    }

    private static String contentType(String route) {
        return route.contains(" /api/") ? "application/json" : "application/x-www-form-urlencoded";
    }
}
