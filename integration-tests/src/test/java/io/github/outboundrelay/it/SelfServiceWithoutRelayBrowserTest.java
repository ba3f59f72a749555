package io.github.outboundrelay.it;

import static io.github.outboundrelay.it.SendAsFixture.ALICE;
import static io.github.outboundrelay.it.SendAsFixture.PARTNER_LOGIN;
import static io.github.outboundrelay.it.SendAsFixture.PARTNER_PASSWORD;
import static io.github.outboundrelay.it.SendAsFixture.SEND_AS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.github.outboundrelay.testing.ReceivedMail;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * Issue 22's page, as Gmail's dialog, in a real browser ({@link SelfServiceBrowser}) against a James booted from
 * james-conf with a real gateway and partner relay ({@link SendAsFixture}): with relays off, Alice adds her partner
 * address with only its address and name, confirms the code and reads that ourdomain.test sends its mail on her
 * behalf; once relays are allowed, she adds the partner's SMTP server (confirming the address again) and reads that
 * the partner's server sends it; with relays off again, she reads the fallback to our servers and why.
 * Screenshots go to target/screenshots/ (send-as-our-servers.png is the one docs/QUICKSTART.md shows).
 */
class SelfServiceWithoutRelayBrowserTest {
    static final int PORT = SmtpPeer.freePort();
    static final String CODE_SUBJECT = "Confirm sending mail as " + SEND_AS;
    static final String ON_BEHALF = "sent by ourdomain.test: some recipients see 'on behalf of " + ALICE + "'";

    @RegisterExtension
    static final SendAsFixture FIXTURE = new SendAsFixture(conf -> conf.selfServiceOn(PORT));

    static SelfServiceBrowser page;

    @BeforeAll
    static void start() throws Exception {
        page = SelfServiceBrowser.start(PORT);
    }

    @AfterAll
    static void stop() {
        if (page != null) {
            page.close();
        }
    }

    @AfterEach
    void removeTheAddress() {
        FIXTURE.removeAlicesAddress();
    }

    @Test
    void aliceAddsHerAddressWithoutRelayThenAddsItsServerOnceAllowedAndSeesTheFallbackWhenRelaysAreOffAgain() throws Exception {
        FIXTURE.scenario().allowDomain(false);
        page.signIn(ALICE);
        assertThat(page.text(By.id("relays-off"))).contains("ourdomain.test's servers send the mail of your other addresses");
        assertThat(page.driver.findElements(By.id("add-host"))).isEmpty();
        assertThat(page.driver.findElements(By.id("add-password"))).isEmpty();

        page.driver.findElement(By.id("add-address")).sendKeys(SEND_AS);
        WebElement name = page.driver.findElement(By.id("add-displayName"));
        name.sendKeys("Alice at Partner");
        page.submitToNextPage(name);
        assertThat(page.text(By.id("notice"))).isEqualTo("Enter the code we sent to " + SEND_AS);
        assertThat(status()).isEqualTo("pending");
        assertThat(path()).isEqualTo("Not sent until the address is verified");

        confirm(codeNumber(1));
        assertThat(page.text(By.id("notice"))).isEqualTo(SEND_AS + " is verified. S" + ON_BEHALF.substring(1) + ".");
        assertThat(status()).isEqualTo("verified");
        assertThat(path()).isEqualTo("S" + ON_BEHALF.substring(1));
        page.screenshot("send-as-our-servers");

        FIXTURE.scenario().allowDomain(true);
        page.driver.navigate().refresh();
        assertThat(page.driver.findElements(By.id("relays-off"))).isEmpty();
        address().findElement(By.xpath(".//summary[text()='Edit']")).click();
        assertThat(address().findElement(By.cssSelector("[id$='-edit-reconfirm']")).getText())
            .isEqualTo("Adding an SMTP server asks you to confirm the address again: we mail it a new code.");
        address().findElement(By.cssSelector("[id$='-edit-host']")).sendKeys("localhost");
        WebElement port = address().findElement(By.cssSelector("[id$='-edit-port']"));
        port.clear();
        port.sendKeys(Integer.toString(FIXTURE.partner().port()));
        address().findElement(By.cssSelector("[id$='-edit-username']")).sendKeys(PARTNER_LOGIN);
        WebElement password = address().findElement(By.cssSelector("[id$='-edit-password']"));
        password.sendKeys(PARTNER_PASSWORD);
        page.submitToNextPage(password);
        assertThat(page.text(By.id("notice"))).isEqualTo("Saved. Enter the code we sent to " + SEND_AS);
        assertThat(status()).isEqualTo("pending");

        confirm(codeNumber(2));
        assertThat(status()).isEqualTo("verified");
        assertThat(path()).isEqualTo("Sent by localhost");
        assertThat(address().findElement(By.cssSelector(".relay")).getText()).isEqualTo("localhost:" + FIXTURE.partner().port());
        page.screenshot("send-as-own-server");

        FIXTURE.scenario().allowDomain(false);
        page.driver.navigate().refresh();
        assertThat(path()).isEqualTo("Other mail servers are turned off by your administrator, so " + ON_BEHALF);
        assertThat(address().findElements(By.xpath(".//summary[text()='Edit']"))).isEmpty();
        assertThat(address().findElements(By.xpath(".//button[text()='Test connection']"))).isEmpty();
        page.screenshot("send-as-relays-off");
    }

    private WebElement address() {
        return page.addressSection(SEND_AS);
    }

    private String status() {
        return address().findElement(By.cssSelector(".status")).getText();
    }

    private String path() {
        return address().findElement(By.cssSelector(".path")).getText();
    }

    private void confirm(String code) {
        WebElement field = address().findElement(By.name("code"));
        field.sendKeys(code);
        page.submitToNextPage(field);
    }

    /** The code of the n-th verification mail, wherever it went (the gateway without relay, else its relay). */
    private static String codeNumber(int n) {
        List<ReceivedMail> mails = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> Stream.of(FIXTURE.gateway(), FIXTURE.partner())
                .flatMap(peer -> RelayScenario.withSubject(peer, CODE_SUBJECT).stream()).toList(), found -> found.size() >= n);
        Matcher code = RelayScenario.CONFIRMATION_CODE.matcher(mails.stream()
            .map(ReceivedMail::content).filter(content -> !content.isEmpty()).reduce((first, last) -> last).orElseThrow());
        assertThat(code.find()).isTrue();
        return code.group(1);
    }
}
