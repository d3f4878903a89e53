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

import dev.postcall.testsupport.ElevenLabsApiStandIn;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The page in a real browser: Debian's headless Chromium driven through its chromedriver (nothing downloaded), on
 * the Tomcat IT server. A signed call, its audio and an event of an unknown type are delivered; the page shows them
 * without a reload, plays the recording and unfolds the transcript turn by turn; the test call button adds one more;
 * at phone width (420 px) nothing is wider than the screen. A call whose webhook left the transcript out reads
 * "Transcript not sent", a call of unknown direction names the customer and the agent, and an answering machine
 * verdict is one of the other events; a call backfill fetched from (a stand-in of) ElevenLabs' API is marked as
 * such, beside the webhook ElevenLabs disabled. Leaves {@code target/sample-page.png} (desktop),
 * {@code target/sample-page-phone.png}, {@code target/sample-page-newer-webhooks.png} and
 * {@code target/sample-page-backfill.png} to look at.
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
                        "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
                        "--user-data-dir=" + profile, "--window-size=1400,1800");
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

    /** Loads the page and waits for its first poll. */
    private static void openPage() {
        browser.get(server.uri("").toString());
        new WebDriverWait(browser, WAIT).until(d -> "true".equals(
                d.findElement(By.tagName("body")).getDomAttribute("data-loaded")));
    }

    private static By callRow(String conversationId) {
        return By.cssSelector("article.call[data-conversation-id='" + conversationId + "']");
    }

    /** The type the page lists under Other events for a conversation, once it is listed. */
    private static String otherEventType(String conversationId) {
        return new WebDriverWait(browser, WAIT).until(d -> (String) browser.executeScript(
                "for (const li of document.querySelectorAll('#others li'))"
                        + " if (li.querySelector('.conv').textContent === arguments[0])"
                        + " return li.querySelector('.type').textContent;"
                        + " return null;", conversationId));
    }

    @Test
    void aDeliveredCallAndItsAudioAppearWithoutReloading() throws Exception {
        openPage();

        // the other kinds first, so the screenshot shows every part of the page
        Instant now = Instant.now();
        for (String sample : new String[] {"transcription-web", "transcription-sip", "failure-sip", "failure-twilio"}) {
            assertThat(server.deliver(TestCalls.payload(sample, TestCalls.newConversationId(), now)).statusCode())
                    .as(sample).isEqualTo(200);
        }
        String other = TestCalls.newConversationId();
        assertThat(server.deliver(TestCalls.payload("unknown", other, now)).statusCode()).isEqualTo(200);
        String id = TestCalls.newConversationId();
        assertThat(server.deliver(TestCalls.payload("transcription", id, now)).statusCode()).isEqualTo(200);
        assertThat(server.deliver(TestCalls.payload("audio", id, now)).statusCode()).isEqualTo(200);

        By row = callRow(id);
        WebElement call = new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(row));
        // the audio may arrive one poll after the call
        new WebDriverWait(browser, WAIT).until(d -> !d.findElement(row).findElements(By.tagName("audio")).isEmpty());
        call = browser.findElement(row);

        assertThat(call.findElement(By.cssSelector(".caller")).getText()).isEqualTo("+12025550143");
        assertThat(call.findElement(By.cssSelector(".duration")).getText()).isEqualTo("39s");
        assertThat(call.findElement(By.cssSelector(".summary")).getText())
                .startsWith("A new patient called about a chipped tooth");

        WebElement player = call.findElement(By.tagName("audio"));
        String src = player.getDomProperty("src");
        assertThat(src).isEqualTo(server.uri("api/calls/" + id + "/audio").toString());
        HttpResponse<byte[]> audio = server.getBytes("api/calls/" + id + "/audio");
        assertThat(audio.statusCode()).isEqualTo(200);
        assertThat(audio.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("audio/mpeg"));
        assertThat(audio.body()).hasSize(9995).startsWith('I', 'D', '3');

        // the player read the recording's length (4.9 s of speech) and plays it
        Number seconds = new WebDriverWait(browser, WAIT).until(d -> (Number) browser.executeScript(
                "const a = arguments[0]; return a.readyState >= 1 && isFinite(a.duration) ? a.duration : null;",
                player));
        assertThat(seconds.doubleValue()).isCloseTo(4.9, within(0.3));
        browser.executeScript("arguments[0].muted = true; arguments[0].play();", player);
        new WebDriverWait(browser, WAIT).until(d -> ((Number) browser.executeScript(
                "return arguments[0].currentTime;", player)).doubleValue() > 0.5);
        browser.executeScript("arguments[0].pause();", player);

        // who said what and when: the transcript, folded until asked for
        WebElement transcript = call.findElement(By.cssSelector("details.transcript"));
        assertThat(transcript.getDomProperty("open")).isEqualTo("false");
        transcript.findElement(By.tagName("summary")).click();
        new WebDriverWait(browser, WAIT).until(d -> "true".equals(
                d.findElement(row).findElement(By.cssSelector("details.transcript")).getDomProperty("open")));
        List<WebElement> turns = browser.findElement(row).findElements(By.cssSelector("li.turn"));
        assertThat(turns).hasSize(8);
        assertTurn(turns.get(0), "Agent", "0:00",
                "Good afternoon, Harbor Dental, this is Robin. How can I help you today?");
        assertTurn(turns.get(1), "User", "0:05",
                "Hi, I chipped a tooth and I'd like to come in this week if possible.");
        assertThat(turns.get(2).findElements(By.cssSelector(".message"))).isEmpty();
        assertThat(text(turns.get(2).findElement(By.cssSelector(".tool")))).isEqualTo("⚙ check_availability");
        assertThat(text(turns.get(7).findElement(By.cssSelector(".tool")))).isEqualTo("⚙ end_call");

        // an event of a type postcall does not model leaves a trace
        assertThat(otherEventType(other)).isEqualTo("conversation_escalated");

        // the page's own button: one more call, signed and posted by the server to itself
        int before = browser.findElements(By.cssSelector("article.call")).size();
        browser.findElement(By.id("send")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.findElements(By.cssSelector("article.call")).size() > before);
        new WebDriverWait(browser, WAIT).until(d -> d.findElements(By.cssSelector("article.call audio")).size() >= 2);
        // a card rebuilt by a later poll keeps its transcript open
        assertThat(browser.findElement(row).findElement(By.cssSelector("details.transcript")).getDomProperty("open"))
                .isEqualTo("true");

        // the whole page in one picture: as tall as the document
        screenshot("sample-page.png", 1400);

        // at phone width: nothing wider than the screen
        Map<String, Object> phone = new HashMap<>(Map.of("width", 420, "height", 900, "deviceScaleFactor", 1,
                "mobile", true));
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", phone);
        new WebDriverWait(browser, WAIT).until(d -> ((Number) browser.executeScript("return window.innerWidth"))
                .intValue() == 420);
        Number scrollWidth = (Number) browser.executeScript("return document.documentElement.scrollWidth");
        assertThat(scrollWidth.intValue()).as("page width at 420 px").isLessThanOrEqualTo(420);
        phone.put("height", Math.min(12000, height()));
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", phone);
        shot("sample-page-phone.png");
        browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    @Test
    void aCallWithoutItsTranscriptOneOfUnknownDirectionAndAnAnsweringMachineVerdictShowWhatWasSent()
            throws Exception {
        openPage();
        SampleServer.NewerWebhooks sent = server.deliverNewerWebhooks(Instant.now());

        // the transcript was left out by the webhook's setting: "not sent", never "0 turns"
        By notSentRow = callRow(sent.notSent());
        WebElement call = new WebDriverWait(browser, WAIT)
                .until(ExpectedConditions.presenceOfElementLocated(notSentRow));
        assertThat(text(call.findElement(By.cssSelector(".transcript-not-sent")))).isEqualTo("Transcript not sent");
        assertThat(call.findElements(By.cssSelector(".turn-count"))).isEmpty();
        assertThat(text(call.findElement(By.cssSelector(".caller")))).isEqualTo("+442079460587");
        assertThat(text(call.findElement(By.cssSelector(".customer-number")))).isEqualTo("+442079460587");
        assertThat(text(call.findElement(By.cssSelector(".agent-number")))).isEqualTo("+442079460120");
        assertThat(text(call.findElement(By.cssSelector(".queue-wait")))).isEqualTo("37s");
        assertThat(text(call.findElement(By.cssSelector(".call-result")))).isEqualTo("answered");
        assertThat(text(call.findElement(By.cssSelector(".summary"))))
                .startsWith("The caller asked why their December bill was higher");
        WebElement transcript = call.findElement(By.cssSelector("details.transcript"));
        assertThat(text(transcript.findElement(By.cssSelector("summary .count")))).isEqualTo(" · not sent");
        transcript.findElement(By.tagName("summary")).click();
        String note = new WebDriverWait(browser, WAIT).until(d -> {
            WebElement none = d.findElement(notSentRow).findElement(By.cssSelector("details.transcript p.none"));
            return none.isDisplayed() ? text(none) : null;
        });
        assertThat(note).startsWith("Transcript not sent:").contains("exclude_transcript");

        // who called whom is not known, both parties are
        WebElement unknown = new WebDriverWait(browser, WAIT)
                .until(ExpectedConditions.presenceOfElementLocated(callRow(sent.unknownDirection())));
        assertThat(unknown.findElements(By.cssSelector(".caller"))).isEmpty();
        assertThat(unknown.findElements(By.cssSelector(".called"))).isEmpty();
        assertThat(text(unknown.findElement(By.cssSelector(".who .customer")))).isEqualTo("+13125550149");
        assertThat(text(unknown.findElement(By.cssSelector(".who .agent")))).isEqualTo("+13125550100");
        assertThat(text(unknown.findElement(By.cssSelector(".who .badge.UNKNOWN")))).isEqualTo("? Unknown");
        assertThat(text(unknown.findElement(By.cssSelector(".customer-number")))).isEqualTo("+13125550149");
        assertThat(text(unknown.findElement(By.cssSelector(".agent-number")))).isEqualTo("+13125550100");
        assertThat(text(unknown.findElement(By.cssSelector(".turn-count")))).isEqualTo("3");

        // the answering machine verdict is listed under Other events with its type
        assertThat(otherEventType(sent.verdict())).isEqualTo("answering_machine_detection");
        assertThat(text(browser.findElement(By.id("others-title")))).isEqualTo("Other events");
        assertThat(browser.findElements(callRow(sent.verdict()))).isEmpty();
        screenshot("sample-page-newer-webhooks.png", 1400);
    }

    /**
     * The Tomcat IT server runs the sample with {@code ELEVENLABS_API_KEY} (its own {@code java} sets it), so its
     * backfill asks the stand-in of ElevenLabs' API this test starts on {@code postcall.it.standInPort} every 10 s:
     * a call whose webhook never came appears marked as backfilled beside one the webhook brought, and the panel
     * shows the webhook ElevenLabs disabled.
     */
    @Test
    void aCallNoWebhookBroughtIsShownAsBackfilledBesideTheWebhooksStateAtElevenLabs() throws Exception {
        String port = System.getProperty("postcall.it.standInPort");
        Assumptions.assumeTrue(port != null, "this server runs the sample without backfill");
        long now = Instant.now().getEpochSecond();
        try (ElevenLabsApiStandIn api = ElevenLabsApiStandIn.start(System.getProperty("postcall.it.apiKey"),
                Integer.parseInt(port))) {
            String missed = TestCalls.newConversationId();
            api.conversation(missed, "agent_it", now - 600, 39).body("conversation-phone-inbound.json");
            api.webhook("wh_it", "postcall IT").autoDisabled(true).failed(502, now - 300);
            String delivered = TestCalls.newConversationId();
            assertThat(server.deliver(TestCalls.payload("transcription", delivered, Instant.now())).statusCode())
                    .isEqualTo(200);
            openPage();

            // a run every 10 s; the ones before the stand-in started failed and are tried again
            Duration runs = Duration.ofSeconds(90);
            WebElement backfilled = new WebDriverWait(browser, runs)
                    .until(ExpectedConditions.presenceOfElementLocated(callRow(missed)));
            assertThat(text(backfilled.findElement(By.cssSelector(".badge.received-by")))).isEqualTo("⟲ Backfill");
            assertThat(text(browser.findElement(callRow(delivered)).findElement(By.cssSelector(".badge.received-by"))))
                    .isEqualTo("⚡ Webhook");
            WebElement disabled = new WebDriverWait(browser, runs).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#elevenlabs-webhooks li.webhook-state.auto-disabled")));
            assertThat(text(disabled)).contains("postcall IT").contains("Disabled by ElevenLabs").contains("HTTP 502");
            assertThat(browser.findElement(By.id("elevenlabs")).isDisplayed()).isTrue();
            screenshot("sample-page-backfill.png", 1400);
        }
    }

    private static void assertTurn(WebElement turn, String role, String at, String message) {
        assertThat(text(turn.findElement(By.cssSelector(".role")))).isEqualTo(role);
        assertThat(text(turn.findElement(By.cssSelector(".at")))).isEqualTo(at);
        assertThat(text(turn.findElement(By.cssSelector(".message")))).isEqualTo(message);
    }

    /** The element's text as the page wrote it (getText() would apply the CSS upper-casing). */
    private static String text(WebElement element) {
        return element.getDomProperty("textContent");
    }

    private static int height() {
        return ((Number) browser.executeScript("return document.documentElement.scrollHeight")).intValue();
    }

    private static void screenshot(String name, int width) throws IOException {
        browser.manage().window().setSize(new Dimension(width, Math.min(6000, height() + 140)));
        shot(name);
    }

    private static void shot(String name) throws IOException {
        Path shot = Path.of(System.getProperty("postcall.screenshots", "target"), name);
        Files.createDirectories(shot.getParent());
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
}
