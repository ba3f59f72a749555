package io.github.outboundrelay.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.outboundrelay.testing.SmtpPeer;

/**
 * Who may enter the admin area of a booted James's self-service surface, over HTTPS: James's administrator
 * ({@code administratorId} of usersrepository.xml) and the users of {@code admins} sign in on the users' sign-in page
 * and land there; everyone else, signed in or not, gets the same 403 on every path under /admin; a form without the
 * session's token or from another site changes nothing; a change is in the audit trail with the admin's name.
 */
class AdminAreaIntegrationTest {
    static final int PORT = SmtpPeer.freePort();
    static final String ROOT = "root@ourdomain.test";
    static final String BOSS = "boss@ourdomain.test";
    static final String ALICE = "alice@ourdomain.test";
    static final String SESSION = "__Host-outbound-relay";
    static final SelfServiceClient CLIENT = new SelfServiceClient(PORT);

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped().selfServiceOn(PORT)
        .edit("usersrepository.xml", "<enableForwarding>true</enableForwarding>",
            "<enableForwarding>true</enableForwarding>\n    <administratorId>" + ROOT + "</administratorId>")
        .edit("outbound-relay-selfservice.properties", "admins=admin@ourdomain.test", "admins=" + BOSS + ", admin@ourdomain.test"));

    @BeforeAll
    static void users(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice", "root", "boss");
    }

    @Test
    void jamesAdministratorAndTheListedAdminsLandInTheAdminAreaOthersOnTheirAddresses() throws Exception {
        for (String admin : List.of(ROOT, BOSS)) {
            HttpResponse<String> signedIn = CLIENT.signIn(admin, OutboundRelayJames.PASSWORD);
            assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/admin"));
            HttpResponse<String> page = get("/admin", session(signedIn));
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Allow users to send mail through an external SMTP when configuring a 'from' "
                + "address hosted outside your domain").contains("Save changes").contains("the next mail, on every James node");
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(
                "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'");
        }
        HttpResponse<String> alice = CLIENT.signIn(ALICE, OutboundRelayJames.PASSWORD);
        assertThat(alice.headers().firstValue("Location")).hasValueSatisfying(location -> assertThat(location).endsWith("/send-as"));
    }

    @Test
    void everyoneButAnAdminGetsTheSame403OnEveryPathUnderAdmin() throws Exception {
        String alice = session(CLIENT.signIn(ALICE, OutboundRelayJames.PASSWORD));
        String aliceToken = SelfServiceClient.csrf(get("/send-as", alice).body());
        String expected = null;
        for (String visitor : new String[] {null, alice}) {
            for (String path : List.of("/admin", "/admin/", "/admin/send-as", "/admin/audit?user=x", "/admin/no-such-page",
                "/admin/domains", "/Admin", "//admin/audit", "/%61dmin", "/admin;x=1")) {
                HttpResponse<String> answer = get(path, visitor);
                assertThat(answer.statusCode()).as(path).isEqualTo(403);
                expected = expected == null ? answer.body() : expected;
                assertThat(answer.body()).as(path).isEqualTo(expected);
            }
            HttpResponse<String> write = CLIENT.send(withSession(CLIENT.request("/admin/domains"), visitor)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(SelfServiceClient.form(Map.of("csrf", aliceToken, "domain", OutboundRelayJames.DOMAIN, "allowed", "true"))));
            assertThat(write.statusCode()).isEqualTo(403);
            assertThat(write.body()).isEqualTo(expected);
        }
        assertThat(expected).contains("This page is for administrators").doesNotContain("Who sends as what")
            .doesNotContain(OutboundRelayJames.DOMAIN);
        assertThat(allowed()).isFalse();
    }

    @Test
    void anAdminSavesTheDomainsSwitchAndTheAuditTrailNamesHim() throws Exception {
        String boss = session(CLIENT.signIn(BOSS, OutboundRelayJames.PASSWORD));
        String token = SelfServiceClient.csrf(get("/admin", boss).body());

        HttpResponse<String> on = saveSwitch(boss, Map.of("csrf", token, "domain", OutboundRelayJames.DOMAIN, "allowed", "true",
            "allowAlternateAddresses", "true", "checkDmarc", "true"));
        assertThat(on.statusCode()).isEqualTo(303);
        assertThat(allowed()).isTrue();
        assertThat(get("/admin", boss).body()).contains("Saved for ourdomain.test: users may send through external SMTP servers");
        HttpResponse<String> off = saveSwitch(boss, Map.of("csrf", token, "domain", OutboundRelayJames.DOMAIN,
            "allowAlternateAddresses", "true", "checkDmarc", "true"));
        assertThat(off.statusCode()).isEqualTo(303);
        assertThat(allowed()).isFalse();
        assertThat(get("/admin", boss).body()).contains("name=\"checkDmarc\" value=\"true\" checked");
        saveSwitch(boss, Map.of("csrf", token, "domain", OutboundRelayJames.DOMAIN, "allowAlternateAddresses", "true"));
        assertThat(policy().getBoolean("checkDmarc")).as("the DMARC box unchecked").isFalse();
        assertThat(get("/admin", boss).body()).contains("name=\"checkDmarc\" value=\"true\" aria-describedby");
        saveSwitch(boss, Map.of("csrf", token, "domain", OutboundRelayJames.DOMAIN, "allowAlternateAddresses", "true",
            "checkDmarc", "true"));
        assertThat(policy().getBoolean("checkDmarc")).isTrue();

        List<Map<String, Object>> events = given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer()))
            .queryParam("type", "settings").get("/outbound-relay/audit").then().statusCode(200)
            .extract().jsonPath().getList("findAll { it.event == 'domain-policy-changed' && it.actorName == '" + BOSS + "' }");
        assertThat(events).extracting(event -> event.get("actor"), event -> event.get("detail")).containsExactly(
            org.assertj.core.groups.Tuple.tuple("admin", "allowed false -> true, allowInsecure false -> false, allowAlternateAddresses true -> true, checkDmarc true -> true"),
            org.assertj.core.groups.Tuple.tuple("admin", "allowed true -> false, allowInsecure false -> false, allowAlternateAddresses true -> true, checkDmarc true -> true"),
            org.assertj.core.groups.Tuple.tuple("admin", "allowed false -> false, allowInsecure false -> false, allowAlternateAddresses true -> true, checkDmarc true -> false"),
            org.assertj.core.groups.Tuple.tuple("admin", "allowed false -> false, allowInsecure false -> false, allowAlternateAddresses true -> true, checkDmarc false -> true"));
    }

    @Test
    void aFormWithoutTheSessionsTokenOrFromAnotherSiteChangesNothing() throws Exception {
        String boss = session(CLIENT.signIn(BOSS, OutboundRelayJames.PASSWORD));
        String token = SelfServiceClient.csrf(get("/admin", boss).body());

        HttpResponse<String> withoutToken = saveSwitch(boss, Map.of("domain", OutboundRelayJames.DOMAIN, "allowed", "true"));
        assertThat(withoutToken.statusCode()).isEqualTo(403);
        assertThat(withoutToken.body()).contains("This form has expired or came from another site");
        HttpResponse<String> crossSite = CLIENT.send(CLIENT.request("/admin/domains").header("Cookie", SESSION + "=" + boss)
            .header("Origin", "https://evil.example").header("Content-Type", "application/x-www-form-urlencoded")
            .POST(SelfServiceClient.form(Map.of("csrf", token, "domain", OutboundRelayJames.DOMAIN, "allowed", "true"))));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(allowed()).isFalse();
    }

    @Test
    void keysRotateOnlyOnceTheConfirmationBoxIsCheckedAndTheRotationNamesTheAdmin() throws Exception {
        String root = session(CLIENT.signIn(ROOT, OutboundRelayJames.PASSWORD));
        String token = SelfServiceClient.csrf(get("/admin/keys", root).body());
        String before = activeKey(get("/admin/keys", root).body());

        HttpResponse<String> unconfirmed = post("/admin/keys", root, Map.of("csrf", token));
        assertThat(unconfirmed.statusCode()).isEqualTo(400);
        assertThat(unconfirmed.body()).contains("id=\"rotate-confirm-error\"").contains("must be checked: every other James node");
        assertThat(activeKey(get("/admin/keys", root).body())).isEqualTo(before);

        assertThat(post("/admin/keys", root, Map.of("csrf", token, "confirm", "yes")).statusCode()).isEqualTo(303);
        String after = activeKey(get("/admin/keys", root).body());
        assertThat(after).isNotEqualTo(before);
        List<Map<String, Object>> rotations = given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer()))
            .queryParam("type", "settings").get("/outbound-relay/audit").then().statusCode(200)
            .extract().jsonPath().getList("findAll { it.event == 'secret-keys-rotated' }");
        assertThat(rotations).singleElement().satisfies(rotation -> {
            assertThat(rotation.get("actorName")).isEqualTo(ROOT);
            assertThat((String) rotation.get("detail")).startsWith("active key " + after);
        });
    }

    @Test
    void anAdminAddsEditsAndRemovesAPresetProviderWhoseSecretNeverComesBack() throws Exception {
        String boss = session(CLIENT.signIn(BOSS, OutboundRelayJames.PASSWORD));
        String token = SelfServiceClient.csrf(get("/admin/oauth", boss).body());
        Map<String, String> m365 = Map.of("csrf", token, "mode", "add", "preset", "microsoft365", "id", "m365",
            "tenant", "contoso.onmicrosoft.com", "clientId", "app-1", "clientSecret", "client-s3cret");

        assertThat(post("/admin/oauth/save", boss, m365).statusCode()).isEqualTo(303);
        given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer())).get("/outbound-relay/oauth-providers/m365")
            .then().statusCode(200).body("clientSecretSet", org.hamcrest.Matchers.equalTo(true))
            .body("tokenEndpoint", org.hamcrest.Matchers.equalTo("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"));
        String page = get("/admin/oauth", boss).body();
        assertThat(page).contains("data-provider=\"m365\"").contains("app-1").doesNotContain("client-s3cret");

        HttpResponse<String> taken = post("/admin/oauth/save", boss, m365);
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.body()).contains("id=\"add-microsoft365-id-error\"");
        HttpResponse<String> moved = post("/admin/oauth/save", boss, Map.of("csrf", token, "mode", "edit",
            "preset", "microsoft365", "id", "m365", "tenant", "fabrikam.onmicrosoft.com", "clientId", "app-1"));
        assertThat(moved.statusCode()).isEqualTo(400);
        assertThat(moved.body()).contains("id=\"p0-edit-clientSecret-error\"").contains("is required when tokenEndpoint");
        assertThat(post("/admin/oauth/remove", boss, Map.of("csrf", token, "id", "m365")).statusCode()).isEqualTo(303);
        given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer())).get("/outbound-relay/oauth-providers/m365")
            .then().statusCode(404);

        List<Map<String, Object>> changes = given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer()))
            .queryParam("type", "settings").get("/outbound-relay/audit").then().statusCode(200)
            .extract().jsonPath().getList("findAll { it.event.startsWith('oauth-provider') }");
        assertThat(changes).extracting(change -> change.get("event"), change -> change.get("actorName")).containsExactly(
            org.assertj.core.groups.Tuple.tuple("oauth-provider-saved", BOSS),
            org.assertj.core.groups.Tuple.tuple("oauth-provider-removed", BOSS));
        assertThat(changes.toString()).doesNotContain("client-s3cret");
    }

    private static String activeKey(String page) {
        java.util.regex.Matcher key = java.util.regex.Pattern.compile("id=\"active-key\">([^<]+)<").matcher(page);
        assertThat(key.find()).as(page).isTrue();
        return key.group(1);
    }

    private static HttpResponse<String> post(String path, String session, Map<String, String> fields) throws Exception {
        return CLIENT.send(CLIENT.request(path).header("Cookie", SESSION + "=" + session)
            .header("Content-Type", "application/x-www-form-urlencoded").POST(SelfServiceClient.form(fields)));
    }

    private HttpResponse<String> saveSwitch(String session, Map<String, String> fields) throws Exception {
        return CLIENT.send(CLIENT.request("/admin/domains").header("Cookie", SESSION + "=" + session)
            .header("Content-Type", "application/x-www-form-urlencoded").POST(SelfServiceClient.form(fields)));
    }

    private static boolean allowed() {
        return policy().getBoolean("allowed");
    }

    private static io.restassured.path.json.JsonPath policy() {
        return given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer()))
            .get("/outbound-relay/domains/" + OutboundRelayJames.DOMAIN).then().statusCode(200)
            .extract().jsonPath();
    }

    private static HttpResponse<String> get(String path, String session) throws Exception {
        return CLIENT.send(withSession(CLIENT.request(path), session).GET());
    }

    private static java.net.http.HttpRequest.Builder withSession(java.net.http.HttpRequest.Builder request, String session) {
        return session == null ? request : request.header("Cookie", SESSION + "=" + session);
    }

    private static String session(HttpResponse<String> signedIn) {
        return SelfServiceClient.cookie(signedIn, SESSION).orElseThrow();
    }
}
