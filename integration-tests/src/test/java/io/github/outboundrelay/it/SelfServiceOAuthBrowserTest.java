package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.PATIENCE;
import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.RelayScenario.withSubject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.sun.net.httpserver.HttpServer;

import io.github.outboundrelay.testing.OAuthTestServer;
import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;
import io.restassured.specification.RequestSpecification;

/**
 * Issue 12's "Connect with &lt;provider&gt;" in a real browser ({@link SelfServiceBrowser}) against a booted James, a
 * real authorization server and a partner relay that takes only OAUTHBEARER with a token it validates
 * ({@link OAuthPartner}): Alice clicks "Connect with partner", her browser goes to the authorization server's authorize
 * endpoint (which signs her in without a login page) and back through the callback to the page, which asks for the
 * code mailed (through the relay, with a token) to the address; the address is then verified with an OAuth
 * credential and her mail goes out authenticated with the token. A forged state, a denied grant and Bob finishing
 * Alice's flow connect nothing; coming back from another site (no session cookie on that navigation) works through
 * the callback's page; a revoked grant shows "Reconnect", and reconnecting in the browser delivers the mail
 * that waited; no token or code verifier shows in a page, the logs or the URL the browser ends on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelfServiceOAuthBrowserTest {
    static final String ALICE = "alice@ourdomain.test";
    static final String BOB = "bob@ourdomain.test";
    static final String ADDRESS = "alice@partner.test";
    /** Tokens last 122 s: with the 2-minute refresh margin, a cached token is due for a refresh 2 s later. */
    static final long TOKEN_SECONDS = 122;
    static final Pattern STATE = Pattern.compile("[?&;]state=([^&\"]+)");
    /** The link of the page that sends the browser on to the provider. */
    static final Pattern CONTINUE = Pattern.compile("id=\"continue\" href=\"([^\"]+)\"");

    /** Started before James boots (it allows the test's loopback http endpoints). */
    static final OAuthPartner FIXTURE = OAuthPartner.start(List.of("OAUTHBEARER"));
    static final OAuthTestServer OAUTH = FIXTURE.oauth;
    static final SmtpPeer PARTNER = FIXTURE.relay;
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();
    static final int PORT = SmtpPeer.freePort();
    /** Another site, serving one page with a link to {@link #ANOTHER_SITE_LINK}. */
    static final AtomicReference<String> ANOTHER_SITE_LINK = new AtomicReference<>("");
    static final HttpServer ANOTHER_SITE = anotherSite();

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
        .withShortRetries("2 minutes")
        .edit("mailetcontainer.xml", "<gatewayPort>2526</gatewayPort>", "<gatewayPort>" + GATEWAY.port() + "</gatewayPort>")
        .verificationMailThroughRelays()
        // Idle pooled sessions close quickly, so that a revoked grant is met by the next mail's new session.
        .edit("mailetcontainer.xml", "<poolIdleTimeout>30 seconds</poolIdleTimeout>", "<poolIdleTimeout>1 seconds</poolIdleTimeout>")
        .trustingTestRelays()
        .selfServiceOn(PORT));

    static DebugLogCapture logs;
    static SelfServiceBrowser page;
    static WebDriver browser;
    /** Every page the browser showed, searched for secrets at the end. */
    static final List<String> PAGES = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice", "bob");
        new RelayScenario(server).allowDomain(true);
        OAUTH.signInAs(ADDRESS).accessTokensLastSeconds(TOKEN_SECONDS);
        logs = DebugLogCapture.startLeavingOut(OAuthPartner.PARTNER_LOGGERS);
        FIXTURE.register(OutboundRelayJames.webAdmin(server));
        page = SelfServiceBrowser.start(PORT);
        browser = page.driver;
    }

    @AfterAll
    static void stop() {
        if (page != null) {
            page.close();
        }
        logs.close();
        ANOTHER_SITE.stop(0);
        FIXTURE.close();
        GATEWAY.close();
    }

    @Test
    @Order(1)
    void aliceConnectsHerPartnerAccountInTheBrowserConfirmsTheCodeAndHerMailGoesOutWithTheToken(GuiceJamesServer server)
            throws Exception {
        page.signIn(ALICE);
        WebElement connect = browser.findElement(By.id("connect"));
        for (WebElement field : connect.findElements(By.cssSelector("input:not([type=hidden])"))) {
            assertThat(connect.findElements(By.cssSelector("label[for='" + field.getAttribute("id") + "']"))).hasSize(1);
        }
        WebElement button = browser.findElement(By.id("connect-with-partner"));
        assertThat(button.getText()).isEqualTo("Connect with partner");
        connect.findElement(By.id("connect-address")).sendKeys(ADDRESS);
        connect.findElement(By.id("connect-displayName")).sendKeys("Alice at Partner");
        // docs/images/selfservice-connect-with-provider.png is this screenshot.
        Files.copy(page.screenshot("oauth-1-connect-form"), SelfServiceBrowser.SCREENSHOTS.resolve("selfservice-connect-with-provider.png"),
            StandardCopyOption.REPLACE_EXISTING);
        int codesExchanged = OAUTH.tokensIssued("authorization_code");

        page.clickToNextPage(button);

        // To the authorize endpoint, back to the callback, on to finish: the page with its notice.
        String notice = awaitPage("notice");
        assertThat(notice).isEqualTo("Enter the code we sent to " + ADDRESS);
        assertThat(browser.getCurrentUrl()).isEqualTo(page.url("/send-as"));
        assertThat(OAUTH.tokensIssued("authorization_code")).isEqualTo(codesExchanged + 1);
        assertThat(page.addressSection(ADDRESS).findElement(By.cssSelector(".status")).getText()).isEqualTo("pending");
        assertThat(page.addressSection(ADDRESS).findElement(By.cssSelector(".credential")).getText()).isEqualTo("OAuth (partner)");
        assertThat(page.addressSection(ADDRESS).findElement(By.cssSelector(".name")).getText()).isEqualTo("(Alice at Partner)");
        page.screenshot("oauth-2-code-asked");

        ReceivedMail confirmation = awaitAt(PARTNER, "Confirm sending mail as " + ADDRESS);
        assertThat(confirmation.authenticatedUser()).isEqualTo(ADDRESS);
        assertThat(confirmation.tlsActive()).isTrue();
        Matcher code = RelayScenario.CONFIRMATION_CODE.matcher(confirmation.content());
        assertThat(code.find()).isTrue();
        WebElement codeField = page.addressSection(ADDRESS).findElement(By.name("code"));
        codeField.sendKeys(code.group(1));
        page.submitToNextPage(codeField);
        keep();
        assertThat(page.addressSection(ADDRESS).findElement(By.cssSelector(".status")).getText()).isEqualTo("verified");
        assertThat(page.addressSection(ADDRESS).findElement(By.cssSelector(".credential")).getAttribute("class"))
            .contains("credential-oauth");
        page.screenshot("oauth-3-verified");

        String subject = uniqueSubject();
        new RelayScenario(server).submissionAs(ALICE, ADDRESS).subject(subject).send();
        ReceivedMail relayed = awaitAt(PARTNER, subject);
        assertThat(relayed.authenticatedUser()).isEqualTo(ADDRESS);
        assertThat(relayed.envelopeSender()).isEqualTo(ADDRESS);
        assertThat(relayed.tlsActive()).isTrue();
        assertThat(PARTNER.authMechanismsAccepted()).isNotEmpty().containsOnly("OAUTHBEARER");
        given().spec(OutboundRelayJames.webAdmin(server)).get("/outbound-relay/users/" + ALICE + "/send-as/" + ADDRESS)
            .then().statusCode(200).body("credential", equalTo("oauth")).body("provider", equalTo(OAuthPartner.PROVIDER))
            .body("status", equalTo("verified")).body("displayName", equalTo("Alice at Partner"));
    }

    @Test
    @Order(2)
    void aCallbackWithAForgedStateSaysSoAndSavesNothing() {
        page.signIn(BOB);

        browser.get(page.url("/send-as/oauth/callback?state=forged-state&code=forged-code"));

        assertThat(awaitPage("alert")).contains("unknown here, already used or over 10 minutes old").contains("nothing was saved");
        assertThat(browser.getCurrentUrl()).isEqualTo(page.url("/send-as"));
        assertThat(browser.findElements(By.cssSelector("section.address"))).isEmpty();
        page.screenshot("oauth-4-forged-state");
    }

    @Test
    @Order(3)
    void accessDeniedAtTheProviderSaysAccessWasNotGrantedAndSavesNothing() throws Exception {
        page.signIn(BOB);
        String state = STATE.matcher(beginWithTheBrowsersSession("bob@partner.test", "bob@partner.test")).results().findFirst()
            .orElseThrow().group(1);

        // What the provider does when the user declines: back to the callback with an error and the state.
        browser.get(page.url("/send-as/oauth/callback?error=access_denied&state=" + state));

        assertThat(awaitPage("alert")).startsWith("Access was not granted at the provider: nothing was saved.");
        assertThat(browser.findElements(By.cssSelector("section.address"))).isEmpty();
        // The state was dropped: a code arriving for it later connects nothing either.
        browser.get(page.url("/send-as/oauth/finish?state=" + state + "&code=late"));
        assertThat(awaitPage("alert")).contains("unknown here");
        assertThat(browser.findElements(By.cssSelector("section.address"))).isEmpty();
    }

    @Test
    @Order(4)
    void bobOpeningTheFinishOfAlicesFlowConnectsNothingAndLeavesHerFlowToHer() throws Exception {
        SelfServiceClient client = new SelfServiceClient(PORT);
        String aliceCookie = SelfServiceClient.cookie(client.signIn(ALICE, OutboundRelayJames.PASSWORD), "__Host-outbound-relay").orElseThrow();
        String leaving = begin(client, aliceCookie, "alice.other@partner.test", ADDRESS);
        Matcher link = CONTINUE.matcher(leaving);
        assertThat(link.find()).isTrue();
        URI authorization = URI.create(link.group(1).replace("&amp;", "&"));
        URI callback = OAUTH.authorize(authorization); // Alice at the provider: sent back with a code
        assertThat(callback.toString()).startsWith(page.url("/send-as/oauth/callback?"));
        // Opened without a session, the callback goes on to finish, which asks to sign in and keeps the state.
        browser.manage().deleteAllCookies();
        browser.get(callback.toString());
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> driver.getCurrentUrl().endsWith("/sign-in"));
        page.signIn(BOB);

        browser.get(callback.toString());

        assertThat(awaitPage("alert")).contains("unknown here");
        assertThat(browser.getPageSource()).doesNotContain("alice.other@partner.test");
        assertThat(browser.findElements(By.cssSelector("section.address"))).isEmpty();
        // Alice's own session finishes it: Bob's attempt did not use her state up.
        HttpResponse<String> finished = client.send(client.request("/send-as/oauth/finish?" + callback.getRawQuery())
            .header("Cookie", "__Host-outbound-relay=" + aliceCookie).GET());
        assertThat(finished.statusCode()).isEqualTo(303);
        assertThat(finished.headers().firstValue("Location").orElseThrow()).endsWith("/send-as");
        String alicePage = client.send(client.request("/send-as").header("Cookie", "__Host-outbound-relay=" + aliceCookie).GET()).body();
        PAGES.add(alicePage);
        assertThat(alicePage).contains("Enter the code we sent to alice.other@partner.test");
        given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer())).get("/outbound-relay/users/" + BOB + "/send-as")
            .then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    @Order(5)
    void backFromTheProvidersSiteWithoutTheSessionCookieTheCallbackCarriesTheFlowOnToFinish() throws Exception {
        page.signIn(ALICE);
        String leaving = beginWithTheBrowsersSession("alice.cross@partner.test", ADDRESS);
        Matcher link = CONTINUE.matcher(leaving);
        assertThat(link.find()).isTrue();
        URI callback = OAUTH.authorize(URI.create(link.group(1).replace("&amp;", "&")));

        // A link on another site straight to finish: the SameSite=Strict session cookie does not come along.
        followLinkFromAnotherSite(page.url("/send-as/oauth/finish?" + callback.getRawQuery()));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(driver -> driver.getCurrentUrl().endsWith("/sign-in"));
        // The provider's redirect is such a navigation too: the callback's own page goes on from our site, with it.
        followLinkFromAnotherSite(callback.toString());

        assertThat(awaitPage("notice")).isEqualTo("Enter the code we sent to alice.cross@partner.test");
        assertThat(page.addressSection("alice.cross@partner.test").findElement(By.cssSelector(".credential")).getText())
            .isEqualTo("OAuth (partner)");
    }

    @Test
    @Order(6)
    void aRevokedGrantShowsReconnectAndReconnectingInTheBrowserDeliversTheWaitingMailOnce(GuiceJamesServer server)
            throws Exception {
        RequestSpecification admin = OutboundRelayJames.webAdmin(server);
        Thread.sleep(Duration.ofSeconds(TOKEN_SECONDS - 120 + 1).toMillis()); // the cached token is due for a refresh
        OAUTH.revokeGrants(true);
        String subject = uniqueSubject();

        new RelayScenario(server).submissionAs(ALICE, ADDRESS).subject(subject).send();

        await().atMost(PATIENCE).until(() -> given().spec(admin).get("/outbound-relay/users/" + ALICE + "/send-as/" + ADDRESS)
            .then().extract().path("reconnectNeeded"), equalTo(true)::matches);
        page.signIn(ALICE);
        WebElement section = page.addressSection(ADDRESS);
        assertThat(section.findElement(By.cssSelector(".blocked")).getText()).contains("reconnect");
        WebElement reconnect = section.findElement(By.xpath(".//button[text()='Reconnect with partner']"));
        page.screenshot("oauth-5-reconnect");
        assertThat(withSubject(PARTNER, subject)).isEmpty();
        OAUTH.revokeGrants(false);

        page.clickToNextPage(reconnect);

        assertThat(awaitPage("notice")).isEqualTo(ADDRESS + " is connected again: mail waiting for it goes out now.");
        assertThat(browser.getCurrentUrl()).isEqualTo(page.url("/send-as"));
        assertThat(page.addressSection(ADDRESS).findElements(By.xpath(".//button[text()='Reconnect with partner']"))).isEmpty();
        assertThat(page.addressSection(ADDRESS).findElement(By.cssSelector(".status")).getText()).isEqualTo("verified");
        awaitAt(PARTNER, subject);
        Thread.sleep(1000);
        assertThat(withSubject(PARTNER, subject)).hasSize(1);
        given().spec(admin).get("/outbound-relay/users/" + ALICE + "/send-as/" + ADDRESS).then()
            .body("reconnectNeeded", equalTo(false)).body("status", equalTo("verified"));
    }

    @Test
    @Order(7)
    void noTokenClientSecretOrCodeVerifierInThePagesOrTheLogs() {
        Set<String> secrets = FIXTURE.secrets();
        // Two code exchanges through the browser and one by Alice's client, each with a verifier, and their tokens.
        assertThat(secrets).hasSizeGreaterThan(8);
        String logged = logs.text();
        assertThat(logged).contains(ADDRESS).contains("relay SMTP C: AUTH OAUTHBEARER"); // the capture did work
        String pages = String.join("\n", PAGES);
        assertThat(pages).contains("Send mail as").contains(ADDRESS);
        for (String secret : secrets) {
            assertThat(logged).doesNotContain(secret);
            assertThat(pages).doesNotContain(secret);
        }
        assertThat(logs.mdcs()).allSatisfy(mdc -> assertThat(mdc.values())
            .allSatisfy(value -> secrets.forEach(secret -> assertThat(value).doesNotContain(secret))));
    }

    private static HttpServer anotherSite() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] html = ("<!doctype html><title>Another site</title><a id=\"go\" href=\""
                    + ANOTHER_SITE_LINK.get().replace("&", "&amp;") + "\">Go</a>").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, html.length);
                try (var out = exchange.getResponseBody()) {
                    out.write(html);
                }
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits for the page the browser ends on (after the redirects and refreshes) to show this element's text. */
    private static String awaitPage(String id) {
        WebElement element = new WebDriverWait(browser, Duration.ofSeconds(20)).withMessage(browser::getPageSource)
            .until(driver -> driver.getCurrentUrl().endsWith("/send-as")
                ? driver.findElements(By.id(id)).stream().findFirst().orElse(null) : null);
        keep();
        return element.getText();
    }

    private static void keep() {
        PAGES.add(browser.getPageSource());
    }

    /** The connect form posted with the browser's own session, its answer kept: the leaving page, with the state. */
    private String beginWithTheBrowsersSession(String address, String username) throws Exception {
        String cookie = browser.manage().getCookieNamed("__Host-outbound-relay").getValue();
        return begin(new SelfServiceClient(PORT), cookie, address, username);
    }

    /** A page of another site (http://localhost, not https://127.0.0.1) whose link the user follows. */
    private static void followLinkFromAnotherSite(String url) {
        ANOTHER_SITE_LINK.set(url);
        browser.get("http://localhost:" + ANOTHER_SITE.getAddress().getPort() + "/");
        browser.findElement(By.id("go")).click();
    }

    private static String begin(SelfServiceClient client, String cookie, String address, String username) throws Exception {
        String sendAs = client.send(client.request("/send-as").header("Cookie", "__Host-outbound-relay=" + cookie).GET()).body();
        HttpResponse<String> leaving = client.send(client.request("/send-as/oauth/connect")
            .header("Cookie", "__Host-outbound-relay=" + cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(SelfServiceClient.form(Map.of("csrf", SelfServiceClient.csrf(sendAs), "address", address,
                "username", username, "provider", OAuthPartner.PROVIDER))));
        assertThat(leaving.statusCode()).isEqualTo(200);
        assertThat(leaving.headers().firstValue("Cache-Control")).contains("no-store");
        PAGES.add(leaving.body());
        // The leaving page is HTML: Mustache writes the provider URL's '=' and '&' as entities, which a browser reads back.
        return leaving.body().replace("&#61;", "=").replace("&amp;", "&");
    }
}
