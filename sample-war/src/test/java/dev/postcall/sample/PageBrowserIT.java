package dev.postcall.sample;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page in a real browser: Debian's headless Chromium driven through its chromedriver (nothing downloaded), on
 * the Tomcat IT server. A signed call and its audio are delivered; the page shows them without a reload; the test
 * call button adds one more. Leaves {@code target/sample-page.png} to look at.
 */
class PageBrowserIT {

    private static final String CHROMIUM = System.getProperty("postcall.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("postcall.chromedriver", "/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static SampleServer server;
    private static ChromeDriver browser;
    private static Path profile;

    @BeforeAll
    static void openBrowser() throws IOException {
        requireBrowser();
        server = SampleServer.running();
        // Selenium Manager looks for drivers and browsers online unless both are named
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        profile = Files.createTempDirectory("postcall-chromium");
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1800");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1400, 1800));
    }

    /**
     * Skips the page test, with a warning naming what is missing and how to install it, when Chromium or chromedriver
     * is not there; fails instead under {@code -Dpostcall.requireBrowser=true}, which {@code .ci/run} sets.
     */
    private static void requireBrowser() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of(CHROMIUM))) {
            missing.add("Chromium (" + CHROMIUM + ")");
        }
        if (!Files.isExecutable(Path.of(CHROMEDRIVER))) {
            missing.add("chromedriver (" + CHROMEDRIVER + ")");
        }
        if (missing.isEmpty()) {
            return;
        }
        String why = String.join(" and ", missing) + " not found; install with: sudo apt-get install chromium "
                + "chromium-driver (or point -Dpostcall.chromium and -Dpostcall.chromedriver at yours)";
        if (Boolean.getBoolean("postcall.requireBrowser")) {
            throw new AssertionError("the page test is required (-Dpostcall.requireBrowser=true): " + why);
        }
        System.out.println("[WARNING] PAGE BROWSER TEST SKIPPED: the sample page was NOT checked in a browser. " + why);
        Assumptions.abort("page browser test skipped: " + why);
    }

    @AfterAll
    static void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void aDeliveredCallAndItsAudioAppearWithoutReloading() throws Exception {
        browser.get(server.uri("").toString());
        new WebDriverWait(browser, WAIT).until(d -> "true".equals(
                d.findElement(By.tagName("body")).getDomAttribute("data-loaded")));

        // the other kinds first, so the screenshot shows every part of the page
        Instant now = Instant.now();
        for (String sample : new String[] {"transcription-web", "transcription-sip", "failure-sip", "failure-twilio"}) {
            assertThat(server.deliver(TestCalls.payload(sample, TestCalls.newConversationId(), now)).statusCode())
                    .as(sample).isEqualTo(200);
        }
        String id = TestCalls.newConversationId();
        assertThat(server.deliver(TestCalls.payload("transcription", id, now)).statusCode()).isEqualTo(200);
        assertThat(server.deliver(TestCalls.payload("audio", id, now)).statusCode()).isEqualTo(200);

        By row = By.cssSelector("article.call[data-conversation-id='" + id + "']");
        WebElement call = new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(row));
        // the audio may arrive one poll after the call
        new WebDriverWait(browser, WAIT).until(d -> !d.findElement(row).findElements(By.tagName("audio")).isEmpty());
        call = browser.findElement(row);

        assertThat(call.findElement(By.cssSelector(".caller")).getText()).isEqualTo("+12025550143");
        assertThat(call.findElement(By.cssSelector(".duration")).getText()).isEqualTo("39s");
        assertThat(call.findElement(By.cssSelector(".summary")).getText())
                .startsWith("A new patient called about a chipped tooth");

        String src = call.findElement(By.tagName("audio")).getDomProperty("src");
        assertThat(src).isEqualTo(server.uri("api/calls/" + id + "/audio").toString());
        HttpResponse<byte[]> audio = server.getBytes("api/calls/" + id + "/audio");
        assertThat(audio.statusCode()).isEqualTo(200);
        assertThat(audio.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("audio/mpeg"));
        assertThat(audio.body()).startsWith('I', 'D', '3');

        // the page's own button: one more call, signed and posted by the server to itself
        int before = browser.findElements(By.cssSelector("article.call")).size();
        browser.findElement(By.id("send")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.findElements(By.cssSelector("article.call")).size() > before);

        new WebDriverWait(browser, WAIT).until(d -> d.findElements(By.cssSelector("article.call audio")).size() >= 2);
        // the whole page in one picture: as tall as the document
        Object height = browser.executeScript("return document.documentElement.scrollHeight");
        browser.manage().window().setSize(new Dimension(1400, Math.min(6000, ((Number) height).intValue() + 140)));
        Path shot = Path.of(System.getProperty("postcall.screenshots", "target"), "sample-page.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
}
