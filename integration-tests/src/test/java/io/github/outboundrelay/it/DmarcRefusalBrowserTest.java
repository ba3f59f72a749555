package io.github.outboundrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.github.outboundrelay.testing.Dnsmasq;
import io.github.outboundrelay.testing.SmtpPeer;

/**
 * Issue 26 on the "Send mail as" page, in Chromium ({@link SelfServiceBrowser}), against a James whose DNS service asks
 * dnsmasq on loopback: Alice adds an address of a domain publishing p=reject without its SMTP server and reads the
 * refusal next to the server field, what she typed kept; she adds a p=quarantine one and reads the warning beside it.
 * The screenshot dmarc-refused.png is the one docs/API.md shows (copied to docs/images/).
 */
class DmarcRefusalBrowserTest {
    static final Dnsmasq DNS = Dnsmasq.onFreePort();
    static final SmtpPeer GATEWAY = SmtpPeer.builder().plain().start();
    static final int PORT = SmtpPeer.freePort();
    static final String ALICE = "alice@" + OutboundRelayJames.DOMAIN;

    @RegisterExtension
    static JamesServerExtension james = OutboundRelayJames.extensionOverriding(JamesConfFolder.shipped()
        .withGateway(GATEWAY)
        .selfServiceOn(PORT), OutboundRelayJames.dnsServiceAsking(DNS));

    static SelfServiceBrowser page;

    static {
        DNS.serve(Map.of("_dmarc.partner.test", "v=DMARC1; p=reject", "_dmarc.spammy.test", "v=DMARC1; p=quarantine"));
    }

    @BeforeAll
    static void start(GuiceJamesServer server) throws Exception {
        OutboundRelayJames.addUsers(server, "alice");
        new RelayScenario(server).allowDomain(true);
        page = SelfServiceBrowser.start(PORT);
    }

    @AfterAll
    static void stop() {
        try {
            if (page != null) {
                page.close();
            }
        } finally {
            DNS.close();
            GATEWAY.close();
        }
    }

    @Test
    void theRefusalIsNextToTheServerFieldAndAQuarantineWarningBesideTheAddress() throws Exception {
        page.signIn(ALICE);
        page.driver.findElement(By.id("add-address")).sendKeys("alice@partner.test");
        WebElement name = page.driver.findElement(By.id("add-displayName"));
        name.sendKeys("Alice at Partner");
        page.submitToNextPage(name);

        assertThat(page.text(By.id("add-host-error")))
            .isEqualTo("partner.test asks receivers to reject mail not sent by its own servers: add its SMTP server");
        assertThat(page.driver.findElement(By.id("add-host")).getAttribute("aria-describedby")).isEqualTo("add-host-error");
        assertThat(page.driver.findElement(By.id("add-address")).getAttribute("value")).isEqualTo("alice@partner.test");
        assertThat(page.driver.findElements(By.cssSelector("section.address"))).isEmpty();
        page.screenshot("dmarc-refused");

        WebElement address = page.driver.findElement(By.id("add-address"));
        address.clear();
        address.sendKeys("alice@spammy.test");
        page.submitToNextPage(address);
        assertThat(page.text(By.id("notice"))).startsWith("Enter the code we sent to alice@spammy.test. Note: spammy.test asks "
            + "receivers to treat mail not sent by its own servers as spam");
        assertThat(page.addressSection("alice@spammy.test").findElement(By.cssSelector(".dmarc-warning")).getText())
            .startsWith("spammy.test asks receivers to treat mail not sent by its own servers as spam: mail our servers send "
                + "from this address may end up in spam folders; add its SMTP server to avoid it");
        page.screenshot("dmarc-quarantine-warning");
    }
}
