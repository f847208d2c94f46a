package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.testsupport.HeadlessChromium;
import io.doorstep.testsupport.PageProbe;
import io.doorstep.testsupport.TestPages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser client's media (web/common/media.js) under ICE restarts that overlap, as when the station's own
 * session resumes at the moment the agent reconnects: a station's and an agent's {@code CallMedia} in one headless
 * Chromium page (test/ice-restart.html), their SDP and ICE passed between them with a delay, media through the
 * system's relay only. A restart asked for while the station's offer is unanswered must wait for the answer and
 * then go as one more offer: two offers in flight at once would meet an answer made for the other's ICE
 * credentials.
 */
class BrowserIceRestartTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static DoorstepSystem system;
    private static HeadlessChromium chromium;
    private static TestPages pages;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        system = DoorstepSystem.start();
        pages = TestPages.serve("/web/");
        chromium = HeadlessChromium.start(dir.resolve("chromium"));
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (pages != null) {
            pages.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void restartsAskedForWhileAnOfferIsOutFollowItsAnswerInsteadOfCrossingIt() throws Exception {
        Map<String, Object> run = iceRestarts(3);

        assertThat(run.get("error")).as("page log:%n%s", run.get("log")).isNull();
        Map<?, ?> seen = (Map<?, ?>) run.get("seen");
        assertThat(((Number) seen.get("crossed")).intValue()).as("offers sent while another was unanswered; log:%n%s",
                run.get("log")).isZero();
        assertThat(((Number) seen.get("errors")).intValue()).as("media errors; log:%n%s", run.get("log")).isZero();
        assertThat(((Number) run.get("restartOffers")).intValue())
                .as("the first restart's offer, then one follow-up for the two asked for meanwhile").isEqualTo(2);
        assertThat(run.get("ufragChanged")).as("fresh ICE credentials").isEqualTo(true);
        assertThat(run).containsEntry("station", "connected").containsEntry("agent", "connected");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> iceRestarts(int restarts) throws Exception {
        var driver = chromium.driver();
        driver.manage().timeouts().scriptTimeout(LIMIT.plusSeconds(10));
        driver.get(pages.page("test/ice-restart.html").toString());
        new PageProbe(driver, Duration.ofSeconds(10)).until("the page's module loaded",
                () -> Boolean.TRUE.equals(driver.executeScript("return window.iceRestartsReady === true")));
        return (Map<String, Object>) driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "window.iceRestarts(arguments[0], arguments[1]).then(done, e => done({error: String(e)}));",
                List.of(system.turnServer("call-ice-restart:station")),
                Map.of("timeoutMs", LIMIT.toMillis(), "delayMs", 40, "restarts", restarts));
    }
}
