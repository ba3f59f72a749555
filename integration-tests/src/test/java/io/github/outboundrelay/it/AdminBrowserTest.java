package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.subjectsAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.github.outboundrelay.it.SendAsFixture.ALICE;
import static io.github.outboundrelay.it.SendAsFixture.BOB;
import static io.github.outboundrelay.it.SendAsFixture.PARTNER_LOGIN;
import static io.github.outboundrelay.it.SendAsFixture.PARTNER_PASSWORD;
import static io.github.outboundrelay.it.SendAsFixture.SEND_AS;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.sun.net.httpserver.HttpServer;

import io.github.outboundrelay.testing.SmtpPeer;
import io.github.outboundrelay.testing.SmtpSubmission;

/**
 * The admin area in a real browser ({@link SelfServiceBrowser}: Chromium, headless, Selenium) against a booted James
 * with the real partner relay and gateway of {@link SendAsFixture}: the admin (the shipped {@code admins} names
 * admin@ourdomain.test) signs in on the users' sign-in page, flips the domain's switch and the very next mail takes the
 * other path; sees who sends as what, vouches for a pending address, tests a relay, reads what happened; a user who is
 * not an admin gets the admins-only page on every /admin URL; a forged form on another site changes nothing.
 * Screenshots go to target/screenshots/ (admin-*.png are the ones in docs/images).
 */
class AdminBrowserTest {
    static final int PORT = SmtpPeer.freePort();
    static final String ADMIN = "admin@" + OutboundRelayJames.DOMAIN;
    static final String BOBS_ADDRESS = "bob@partner.test";

    @RegisterExtension
    static final SendAsFixture FIXTURE = new SendAsFixture(conf -> conf.selfServiceOn(PORT));
    static final SmtpPeer PARTNER = FIXTURE.partner();
    static final SmtpPeer GATEWAY = FIXTURE.gateway();

    static SelfServiceBrowser page;
    static WebDriver browser;

    @BeforeAll
    static void start(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "admin");
        page = SelfServiceBrowser.start(PORT);
        browser = page.driver;
    }

    @AfterAll
    static void stop() {
        if (page != null) {
            page.close();
        }
    }

    @AfterEach
    void removeAddresses() {
        FIXTURE.removeAlicesAddress();
        given().spec(OutboundRelayJames.webAdmin(FIXTURE.server())).delete("/outbound-relay/users/" + BOB + "/send-as/" + BOBS_ADDRESS);
    }

    @Test
    void theAdminFlipsTheSwitchAndTheVeryNextMailTakesTheOtherPath() throws Exception {
        FIXTURE.registerAlicesAddress();
        FIXTURE.scenario().allowDomain(false);
        String before = uniqueSubject();
        aliceSendsFromHerPartnerAddress(before);
        awaitAt(GATEWAY, before);

        page.signIn(ADMIN);
        assertThat(browser.getCurrentUrl()).endsWith("/admin");
        assertThat(switchOf("allowed").isSelected()).isFalse();
        assertThat(page.text(By.id("applies"))).isEqualTo("A change applies to the next mail, on every James node.");
        page.screenshot("admin-1-switch-off");

        switchOf("allowed").click();
        save();
        assertThat(page.text(By.id("notice"))).isEqualTo("Saved for ourdomain.test: users may send through external SMTP "
            + "servers, with TLS only. This applies to the next mail, on every node.");
        assertThat(switchOf("allowed").isSelected()).isTrue();
        copyToDocs(page.screenshot("admin-2-switch-on"), "admin-domains.png");
        String relayed = uniqueSubject();
        aliceSendsFromHerPartnerAddress(relayed);
        assertThat(awaitAt(PARTNER, relayed).envelopeSender()).isEqualTo(SEND_AS);

        switchOf("allowed").click();
        save();
        String afterwards = uniqueSubject();
        aliceSendsFromHerPartnerAddress(afterwards);
        awaitAt(GATEWAY, afterwards);

        assertThat(subjectsAt(PARTNER)).contains(relayed).doesNotContain(before, afterwards);
        assertThat(subjectsAt(GATEWAY)).contains(before, afterwards).doesNotContain(relayed);
        List<Map<String, Object>> changes = given().spec(OutboundRelayJames.webAdmin(FIXTURE.server())).queryParam("type", "settings")
            .queryParam("limit", 1000).get("/outbound-relay/audit").then().statusCode(200).extract().jsonPath()
            .getList("findAll { it.event == 'domain-policy-changed' && it.actorName == '" + ADMIN + "' }");
        assertThat(changes).extracting(change -> change.get("detail")).containsExactly(
            "allowed false -> true, allowInsecure false -> false, allowAlternateAddresses true -> true, checkDmarc true -> true",
            "allowed true -> false, allowInsecure false -> false, allowAlternateAddresses true -> true, checkDmarc true -> true");
    }

    @Test
    void theAdminSeesWhoSendsAsWhatVouchesTestsAndReadsWhatHappened() throws Exception {
        FIXTURE.registerAlicesAddress();
        given().spec(OutboundRelayJames.webAdmin(FIXTURE.server()))
            .body(Map.of("host", "localhost", "port", PARTNER.port(), "security", "STARTTLS", "username", PARTNER_LOGIN,
                "password", PARTNER_PASSWORD))
            .put("/outbound-relay/users/" + BOB + "/send-as/" + BOBS_ADDRESS).then().statusCode(200);
        String subject = uniqueSubject();
        FIXTURE.scenario().submissionAs(ALICE, SEND_AS).subject(subject).send();
        awaitAt(PARTNER, subject);

        page.signIn(ADMIN);
        page.clickToNextPage(browser.findElement(By.linkText("Who sends as what")));
        new WebDriverWait(browser, Duration.ofSeconds(20)).pollingEvery(Duration.ofMillis(500)).until(driver -> {
            driver.navigate().refresh();
            return row(SEND_AS).findElement(By.cssSelector(".outcome")).getText().startsWith("delivered");
        });
        assertThat(cells(SEND_AS)).containsExactly(ALICE, SEND_AS, "verified", "localhost:" + PARTNER.port(), "STARTTLS",
            "password");
        assertThat(cells(BOBS_ADDRESS)).containsExactly(BOB, BOBS_ADDRESS, "pending", "localhost:" + PARTNER.port(),
            "STARTTLS", "password");
        assertThat(page.text(By.id("summary"))).isEqualTo("Addresses 1–2 of 2.");
        copyToDocs(page.screenshot("admin-3-send-as"), "admin-send-as.png");

        new Select(browser.findElement(By.id("filter-status"))).selectByValue("pending");
        page.clickToNextPage(browser.findElement(By.xpath("//form[@id='filters']//button")));
        assertThat(browser.findElements(By.cssSelector("#send-as tbody tr"))).hasSize(1);
        page.clickToNextPage(row(BOBS_ADDRESS).findElement(By.xpath(".//button[text()='Vouch']")));
        assertThat(page.text(By.id("notice"))).startsWith(BOBS_ADDRESS + " is verified: you vouched for it.");
        assertThat(browser.getCurrentUrl()).contains("status=pending");
        assertThat(browser.findElements(By.cssSelector("#send-as tbody tr"))).isEmpty();

        browser.get(page.url("/admin/send-as"));
        page.clickToNextPage(row(SEND_AS).findElement(By.xpath(".//button[text()='Test the relay']")));
        assertThat(page.text(By.id("notice"))).startsWith("The relay of " + SEND_AS + " works");

        page.clickToNextPage(browser.findElement(By.linkText("What happened")));
        assertThat(page.text(By.id("health"))).startsWith("Relays: working.");
        assertThat(browser.findElements(By.cssSelector("#audit tr.entry-relay-attempt .what"))).extracting(WebElement::getText)
            .contains("delivered");
        List<WebElement> vouched = browser.findElements(By.xpath("//table[@id='audit']//tr[td[@class='what' and text()="
            + "'send as verified'] and td[@class='address' and text()='" + BOBS_ADDRESS + "']]"));
        assertThat(vouched).singleElement().satisfies(entry -> assertThat(entry.findElement(By.cssSelector(".who")).getText())
            .isEqualTo("admin " + ADMIN));
        browser.get(page.url("/admin/audit?type=settings&address=" + BOBS_ADDRESS + "&from="));
        assertThat(browser.findElements(By.cssSelector("#audit .address"))).isNotEmpty()
            .extracting(WebElement::getText).containsOnly(BOBS_ADDRESS);
        copyToDocs(page.screenshot("admin-4-audit"), "admin-audit.png");

        browser.get(page.url("/admin/send-as"));
        page.clickToNextPage(row(BOBS_ADDRESS).findElement(By.xpath(".//button[text()='Remove']")));
        assertThat(page.text(By.id("notice"))).isEqualTo(BOBS_ADDRESS + " is removed from " + BOB + "'s addresses.");
        assertThat(browser.findElements(By.cssSelector("tr[data-address='" + BOBS_ADDRESS + "']"))).isEmpty();
    }

    @Test
    void aUserWhoIsNotAnAdminGetsTheAdminsOnlyPageOnEveryAdminUrl() {
        page.signIn(ALICE);
        for (String path : List.of("/admin", "/admin/send-as", "/admin/audit?type=settings", "/admin/no-such-page")) {
            browser.get(page.url(path));
            assertThat(page.text(By.id("admins-only"))).as(path).startsWith("This page is for administrators.");
        }
        page.screenshot("admin-5-not-an-admin");
    }

    @Test
    void aForgedFormOnAnotherSiteChangesNothing() throws Exception {
        FIXTURE.scenario().allowDomain(false);
        HttpServer otherSite = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] forged = ("<!doctype html><form method=post action='" + page.url("/admin/domains") + "'>"
            + "<input name=domain value=ourdomain.test><input name=allowed value=true><input name=allowInsecure value=true>"
            + "</form><script>document.forms[0].submit()</script>").getBytes(StandardCharsets.UTF_8);
        otherSite.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, forged.length);
            exchange.getResponseBody().write(forged);
            exchange.close();
        });
        otherSite.start();
        try {
            page.signIn(ADMIN);
            browser.get("http://localhost:" + otherSite.getAddress().getPort() + "/");
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver -> driver.getCurrentUrl().startsWith(page.url("/")));

            assertThat(browser.getPageSource()).containsAnyOf("Requests from another site are refused", "This page is for administrators");
            given().spec(OutboundRelayJames.webAdmin(FIXTURE.server())).get("/outbound-relay/domains/" + OutboundRelayJames.DOMAIN)
                .then().statusCode(200).body("allowed", org.hamcrest.Matchers.equalTo(false))
                .body("allowInsecure", org.hamcrest.Matchers.equalTo(false));
        } finally {
            otherSite.stop(0);
        }
    }

    private static void aliceSendsFromHerPartnerAddress(String subject) throws Exception {
        // Her own envelope sender, her partner address in From: relayed when the domain allows it, else the normal path.
        SmtpSubmission.to(OutboundRelayJames.submissionPort(FIXTURE.server())).authenticatedAs(ALICE, OutboundRelayJames.PASSWORD)
            .envelopeFrom(ALICE).fromHeader(SEND_AS).subject(subject).send();
    }

    private static WebElement switchOf(String name) {
        return browser.findElement(By.cssSelector("form[data-domain='" + OutboundRelayJames.DOMAIN + "'] input[name='" + name + "']"));
    }

    private static void save() {
        page.clickToNextPage(browser.findElement(By.xpath("//form[@data-domain='" + OutboundRelayJames.DOMAIN
            + "']//button[text()='Save changes']")));
    }

    private static WebElement row(String address) {
        return browser.findElement(By.cssSelector("tr[data-address='" + address + "']"));
    }

    /** The row's user, address, status, relay, security and credential. */
    private static List<String> cells(String address) {
        return row(address).findElements(By.tagName("td")).stream().limit(6).map(WebElement::getText).toList();
    }

    private static void copyToDocs(java.nio.file.Path screenshot, String name) throws Exception {
        Files.copy(screenshot, SelfServiceBrowser.SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
