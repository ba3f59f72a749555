package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.RelayScenario.awaitAt;
import static io.github.outboundrelay.it.RelayScenario.uniqueSubject;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.github.outboundrelay.testing.SmtpPeer;

/**
 * The "Send mail as" page in a real browser ({@link SelfServiceBrowser}: Chromium, headless, Selenium) against a booted James and a real STARTTLS + AUTH partner relay: Alice signs in, adds her
 * partner address, types the code that reached the address, sends a mail and sees it delivered; the failures a user
 * meets show next to their field; hostile text is shown as text. Screenshots go to target/screenshots/.
 */
class SelfServiceBrowserTest {
    static final String PARTNER_LOGIN = "alice@partner.test";
    static final String PARTNER_PASSWORD = "partner-secret";
    static final SmtpPeer PARTNER = SmtpPeer.builder().requireStartTls().requireAuth(PARTNER_LOGIN, PARTNER_PASSWORD).start();
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();
    static final int PORT = SmtpPeer.freePort();
    static final Path SCREENSHOTS = SelfServiceBrowser.SCREENSHOTS;

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extension(JamesConfFolder.shipped()
        .edit("mailetcontainer.xml", "<gatewayPort>2526</gatewayPort>", "<gatewayPort>" + GATEWAY.port() + "</gatewayPort>")
        .trustingTestRelays()
        .selfServiceOn(PORT));

    static SelfServiceBrowser page;
    static WebDriver browser;

    @BeforeAll
    static void start(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice", "bob");
        new RelayScenario(server).allowDomain(true);
        given().spec(OutboundRelayJames.webAdmin(server)).put("/domains/closed.test").then().statusCode(204);
        given().spec(OutboundRelayJames.webAdmin(server)).body(Map.of("password", OutboundRelayJames.PASSWORD))
            .put("/users/dan@closed.test").then().statusCode(204);
        page = SelfServiceBrowser.start(PORT);
        browser = page.driver;
    }

    @AfterAll
    static void stop() {
        if (page != null) {
            page.close();
        }
        PARTNER.close();
        GATEWAY.close();
    }

    @Test
    void aliceAddsHerPartnerAddressConfirmsTheCodeAndSeesHerMailDelivered() throws Exception {
        signIn("alice@ourdomain.test");
        screenshot("1-signed-in");

        fillAddForm("alice@partner.test", "localhost", PARTNER_PASSWORD);
        assertThat(text(By.id("notice"))).isEqualTo("Enter the code we sent to alice@partner.test");
        WebElement address = addressSection("alice@partner.test");
        assertThat(address.findElement(By.cssSelector(".status")).getText()).isEqualTo("pending");
        screenshot("2-code-asked");

        Matcher code = RelayScenario.CONFIRMATION_CODE.matcher(awaitAt(GATEWAY, "Confirm sending mail as alice@partner.test").content());
        assertThat(code.find()).isTrue();
        WebElement codeField = address.findElement(By.name("code"));
        codeField.sendKeys("AAAA-AAAA-AAAA-AAAA");
        page.submitToNextPage(codeField);
        WebElement wrong = browser.findElement(By.cssSelector("[id$='-confirm-code-error']"));
        assertThat(wrong.getText()).startsWith("'code' does not match");
        assertThat(browser.findElement(By.cssSelector("[id$='-confirm-code']")).getAttribute("aria-describedby")).isEqualTo(wrong.getAttribute("id"));

        addressSection("alice@partner.test").findElement(By.name("code")).sendKeys(code.group(1));
        page.submitToNextPage(addressSection("alice@partner.test").findElement(By.name("code")));
        assertThat(addressSection("alice@partner.test").findElement(By.cssSelector(".status")).getText()).isEqualTo("verified");

        String subject = uniqueSubject();
        new RelayScenario(james.getGuiceJamesServer()).submissionAs("alice@ourdomain.test", "alice@partner.test").subject(subject).send();
        assertThat(awaitAt(PARTNER, subject).envelopeSender()).isEqualTo("alice@partner.test");
        new WebDriverWait(browser, Duration.ofSeconds(20)).pollingEvery(Duration.ofMillis(500)).until(driver -> {
            driver.navigate().refresh();
            return addressSection("alice@partner.test").findElement(By.cssSelector(".outcome")).getText().startsWith("delivered");
        });
        Path delivered = screenshot("3-verified-and-delivered");
        Files.copy(delivered, SCREENSHOTS.resolve("selfservice-send-mail-as.png"), StandardCopyOption.REPLACE_EXISTING);

        page.clickToNextPage(addressSection("alice@partner.test").findElement(By.xpath(".//button[text()='Test connection']")));
        assertThat(text(By.id("notice"))).startsWith("The connection to the server of alice@partner.test works");
        addressSection("alice@partner.test").findElement(By.xpath(".//summary[text()='Edit']")).click();
        WebElement newPassword = addressSection("alice@partner.test").findElement(By.cssSelector("[id$='-edit-password']"));
        newPassword.sendKeys(PARTNER_PASSWORD);
        page.submitToNextPage(newPassword);
        assertThat(text(By.id("notice"))).isEqualTo("Saved: alice@partner.test stays verified.");
        page.clickToNextPage(addressSection("alice@partner.test").findElement(By.xpath(".//button[text()='Remove']")));
        assertThat(text(By.id("notice"))).isEqualTo("alice@partner.test is removed.");
        assertThat(browser.findElements(By.cssSelector("section.address"))).isEmpty();
    }

    @Test
    void aWrongRelayPasswordIsShownNextToThePasswordFieldAndNothingIsStored() {
        signIn("bob@ourdomain.test");
        fillAddForm("bob@partner.test", "localhost", "not-the-password");

        assertThat(text(By.id("add-password-error"))).contains("AUTH rejected");
        assertThat(browser.findElement(By.id("add-password")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("add-address")).getAttribute("value")).isEqualTo("bob@partner.test");
        assertThat(browser.findElements(By.cssSelector("section.address"))).isEmpty();
        screenshot("4-wrong-relay-password");
    }

    @Test
    void bobSeesNoneOfAlicesAddressesAndCannotTakeThem() {
        new RelayScenario(james.getGuiceJamesServer())
            .registerSendAs("alice@ourdomain.test", "alice.private@partner.test", PARTNER, PARTNER_LOGIN, PARTNER_PASSWORD);
        signIn("bob@ourdomain.test");
        assertThat(browser.getPageSource()).doesNotContain("alice.private@partner.test");

        // Bob's own form, pointed by hand at Alice's address: nothing of hers is touched.
        browser.get("https://127.0.0.1:" + PORT + "/send-as");
        WebElement address = browser.findElement(By.id("add-address"));
        address.sendKeys("alice.private@partner.test");
        browser.findElement(By.id("add-host")).sendKeys("localhost");
        browser.findElement(By.id("add-password")).sendKeys(PARTNER_PASSWORD);
        WebElement port = browser.findElement(By.id("add-port"));
        port.clear();
        port.sendKeys(Integer.toString(PARTNER.port()));
        page.submitToNextPage(port);
        assertThat(text(By.cssSelector("#add-error, [id^='add-'][id$='-error']"))).contains("another user")
            .doesNotContain("alice@ourdomain.test");
    }

    @Test
    void hostileTextIsShownAsText() {
        signIn("bob@ourdomain.test");
        fillAddForm("bob.script@partner.test", "<script>alert(1)</script>", "x");

        assertThat(text(By.id("add-host-error"))).contains("<script>");
        assertThat(browser.findElement(By.id("add-host")).getAttribute("value")).isEqualTo("<script>alert(1)</script>");
        try {
            browser.switchTo().alert();
            throw new AssertionError("a script of the page ran");
        } catch (NoAlertPresentException expected) {
            // nothing ran: the text was escaped
        }
    }

    @Test
    void aDomainThatDoesNotAllowRelayingOffersTheAddressWithoutServerAndOneWithoutAlternateAddressesNoForm() {
        signIn("dan@closed.test");

        assertThat(text(By.id("relays-off"))).contains("closed.test's servers send the mail of your other addresses");
        assertThat(browser.findElements(By.id("add-address"))).hasSize(1);
        assertThat(browser.findElements(By.id("add-displayName"))).hasSize(1);
        assertThat(browser.findElements(By.id("add-host"))).isEmpty();
        assertThat(browser.findElements(By.id("not-enabled"))).isEmpty();

        given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer()))
            .body(Map.of("allowed", false, "allowAlternateAddresses", false)).put("/outbound-relay/domains/closed.test")
            .then().statusCode(200);
        try {
            browser.navigate().refresh();
            assertThat(text(By.id("not-enabled"))).contains("administrator has not enabled");
            assertThat(browser.findElements(By.id("add"))).isEmpty();
            screenshot("5-not-enabled");
        } finally {
            given().spec(OutboundRelayJames.webAdmin(james.getGuiceJamesServer()))
                .body(Map.of("allowed", false, "allowAlternateAddresses", true)).put("/outbound-relay/domains/closed.test")
                .then().statusCode(200);
        }
    }

    private void signIn(String user) {
        page.signIn(user);
    }

    private void fillAddForm(String address, String host, String password) {
        browser.findElement(By.id("add-address")).sendKeys(address);
        browser.findElement(By.id("add-host")).sendKeys(host);
        WebElement port = browser.findElement(By.id("add-port"));
        port.clear();
        port.sendKeys(Integer.toString(PARTNER.port()));
        browser.findElement(By.id("add-username")).sendKeys(PARTNER_LOGIN);
        WebElement passwordField = browser.findElement(By.id("add-password"));
        passwordField.sendKeys(password);
        page.submitToNextPage(passwordField);
    }

    private WebElement addressSection(String address) {
        return page.addressSection(address);
    }

    private String text(By locator) {
        return page.text(locator);
    }

    private Path screenshot(String name) {
        return page.screenshot(name);
    }
}
