package io.github.outboundrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.github.outboundrelay.testing.RequiredCommand;

/**
 * A real browser on the users' "Send mail as" page: Debian's Chromium, headless, driven by Selenium through
 * chromedriver, both found on the PATH (Selenium Manager never downloads anything). Screenshots go to
 * target/screenshots/.
 */
final class SelfServiceBrowser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final WebDriver driver;
    private final int port;

    private SelfServiceBrowser(WebDriver driver, int port) {
        this.driver = driver;
        this.port = port;
    }

    /** @param port the port of the self-service surface on loopback */
    static SelfServiceBrowser start(int port) throws IOException {
        Path chromium = RequiredCommand.require("chromium", "chromium");
        Path chromedriver = RequiredCommand.require("chromedriver", "chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,1400");
        options.setAcceptInsecureCerts(true); // James's development key store is self-signed
        Files.createDirectories(SCREENSHOTS);
        return new SelfServiceBrowser(new ChromeDriver(new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.toFile()).build(), options), port);
    }

    String url(String path) {
        return "https://127.0.0.1:" + port + path;
    }

    /** Signs in afresh (the cookies of an earlier user are dropped) and lands on the page. */
    void signIn(String user) {
        driver.manage().deleteAllCookies();
        driver.get(url("/"));
        assertThat(driver.getCurrentUrl()).endsWith("/sign-in");
        driver.findElement(By.id("login")).sendKeys(user);
        WebElement password = driver.findElement(By.id("password"));
        password.sendKeys(OutboundRelayJames.PASSWORD);
        password.submit();
        WebElement signedIn = new WebDriverWait(driver, Duration.ofSeconds(10)).withMessage(driver::getPageSource)
            .until(browser -> browser.findElements(By.id("user")).stream().findFirst().orElse(null));
        assertThat(signedIn.getText()).isEqualTo(user);
    }

    /** Clicks, and waits until the page it was on is gone: read at once, the next page could still be the old one. */
    void clickToNextPage(WebElement element) {
        element.click();
        awaitGone(element);
    }

    /** Submits the field's form, and waits until the page it was on is gone. */
    void submitToNextPage(WebElement field) {
        field.submit();
        awaitGone(field);
    }

    /**
     * Chromium answers a question about an element of a page being replaced with "Node with given id does not belong
     * to the document" (a plain WebDriverException, not a stale element) while the navigation is under way: the old page
     * is going, so that counts as gone too.
     */
    private void awaitGone(WebElement element) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(browser -> {
            try {
                return ExpectedConditions.stalenessOf(element).apply(browser);
            } catch (WebDriverException e) {
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        });
    }

    WebElement addressSection(String address) {
        return driver.findElement(By.cssSelector("section.address[data-address='" + address + "']"));
    }

    String text(By locator) {
        return driver.findElement(locator).getText();
    }

    Path screenshot(String name) {
        try {
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
