package io.doorstep.signalling.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.signalling.RelayEnvironment;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import io.doorstep.testsupport.HeadlessChromium;
import io.doorstep.testsupport.PageProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard page in the system's headless Chromium against a real server: an operator signs in with a token and
 * watches calls pushed over the WebSocket as stations (WebSocket test clients) request them and agents answer them.
 * The test run saves the screenshot in docs/screenshots/dashboard.png.
 */
class DashboardPageTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SECRET = "dashboard-page-test-document-secret-0123456789";

    @TempDir
    static Path dir;

    private static TestServer server;
    private static HeadlessChromium chromium;
    private static ChromeDriver driver;
    private static PageProbe page;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        server = TestServer.start(Map.of("DOORSTEP_ROUTING_WRAP_UP", "0s", "DOORSTEP_DOCUMENTS_TOKEN_SECRET",
                SECRET));
        chromium = HeadlessChromium.start(dir.resolve("chromium"));
        driver = chromium.driver();
        page = new PageProbe(driver, WAIT);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void freshPage() {
        chromium.viewport(1280, 720);
        page.openFresh(server.httpUri("/dashboard/"));
    }

    @Test
    void operatorWatchesACallFromQueueToHangUp() throws Exception {
        signIn(server.token("op-test-01", Role.OPERATOR));
        waitFor("body[data-status='live']");
        assertThat(text("h1")).isEqualTo("远程视频受理 · 运营看板");
        waitFor("#queues-empty");
        try (WsClient mi1 = server.signIn("ag-mi-01", Role.AGENT);
             WsClient mi2 = server.signIn("ag-mi-02", Role.AGENT);
             WsClient pe1 = server.signIn("ag-pe-01", Role.AGENT);
             WsClient lianmin = server.signIn("st-test-01", Role.STATION);
             WsClient second = server.signIn("st-test-02", Role.STATION);
             WsClient third = server.signIn("st-test-03", Role.STATION);
             WsClient fourth = server.signIn("st-test-04", Role.STATION);
             RelayApp relay = reportingRelay()) {
            waitFor("#relays tr[data-relay='relay-pudong-1'][data-allocations='0']");
            assertThat(text("#relays tr[data-relay='relay-pudong-1']")).contains("川沙新镇").contains("0 / 5000");
            waitFor("#agents li[data-agent='ag-mi-02'][data-state='away']");
            pe1.setAvailable();
            waitFor("#agents li[data-agent='ag-pe-01'][data-state='available']");
            waitFor("#queues tr[data-group='pensions'][data-waiting='0']");
            assertThat(text("#kpi-stations .value")).isEqualTo("4");
            second.send(new ClientMessage.DeviceStatus(null, List.of(
                    new Devices.Health(Devices.Kind.PRINTER, Devices.State.OUT_OF_PAPER, null, null))));
            waitFor("#fleet span.online.fault[data-station='st-test-02']");
            assertThat(attribute("#fleet span[data-station='st-test-02']", "title")).contains("设备异常 打印机: 缺纸");

            String callId = request(lianmin, "MI-001", false);
            waitFor("#calls tr[data-call='" + callId + "'][data-state='queued']");
            waitFor("#queues tr[data-group='medical-insurance'][data-waiting='1']");
            assertThat(text("#calls tr[data-call='" + callId + "'] td")).startsWith("测试一村家门口服务站");

            mi1.setAvailable();
            mi1.send(new ClientMessage.CallAccept(null, mi1.await(ServerMessage.CallOffer.class).callId()));
            waitFor("#calls tr[data-call='" + callId + "'][data-state='connected']");
            waitFor("#agents li[data-agent='ag-mi-01'][data-state='busy']");
            lianmin.send(new ClientMessage.CallStats(null, callId, 80.0, 4.0, 0L, 0.0, 900.0, 850.0, 400L, "relay",
                    "udp"));
            await("quality shown").atMost(WAIT).until(() ->
                    "良好".equals(text("#calls tr[data-call='" + callId + "'] td:last-child")));

            // a busier district for the screenshot: a call ringing, one waiting, one abandoned
            String ringing = request(second, "PE-001", false);
            waitFor("#calls tr[data-call='" + ringing + "'][data-state='offered']");
            request(third, "MI-003", true);
            String gaveUp = request(fourth, "MI-001", false);
            fourth.send(new ClientMessage.CallCancel(null, gaveUp));
            fourth.await(ServerMessage.CallEnded.class);
            waitFor("#kpi-abandoned[data-tone='warn']");
            assertThat(text("#kpi-abandoned .value")).isEqualTo("1");
            assertThat(text("#kpi-answered .value")).isEqualTo("1");
            assertThat((Long) driver.executeScript("return document.querySelectorAll('#calls tbody tr').length;"))
                    .isEqualTo(3);
            page.screenshot("dashboard.png");

            lianmin.send(new ClientMessage.CallHangup(null, callId, null));
            waitGone("#calls tr[data-call='" + callId + "']");
            waitFor("#agents li[data-agent='ag-mi-01'][data-state='offered']"); // the next call rings
        }
        // dropped connections: the stations are offline at once; the agents stay listed, offline, for the grace period
        await("stations offline").atMost(WAIT).until(() -> "0".equals(text("#kpi-stations .value")));
        waitFor("#fleet span.offline[data-station='st-test-01']");
    }

    @Test
    void tokensOfOtherRolesAreRefused() {
        for (var who : List.of(Map.entry("st-test-05", Role.STATION), Map.entry("ag-mi-02", Role.AGENT))) {
            signIn(server.token(who.getKey(), who.getValue()));
            waitFor("body[data-status='refused']");
            assertThat(text("#signin-error")).contains("仅限运营人员");
            assertThat(shown("#board")).isFalse();
            driver.findElement(By.id("signin-token")).clear();
        }
        signIn("not-a-token-at-all");
        waitFor("body[data-status='refused']");
        assertThat(text("#signin-error")).contains("令牌无效");
    }

    @Test
    void englishOnRequestAndReadableOnAWallScreen() {
        signIn(server.token("op-test-01", Role.OPERATOR));
        waitFor("body[data-status='live']");
        driver.findElement(By.id("lang")).click();
        assertThat(text("h1")).isEqualTo("Remote video services · Operations");
        assertThat(text("#kpi-sl .label")).isEqualTo("Service level today");
        chromium.viewport(1920, 1080);
        long overflow = (Long) driver.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow).as("no sideways scrolling on a wall screen").isLessThanOrEqualTo(0);
        driver.navigate().refresh(); // the choice of language and the sign-in survive a reload of the tab
        waitFor("body[data-status='live']");
        assertThat(text("h1")).isEqualTo("Remote video services · Operations");
    }

    /** A real relay reporting its load to the server every second. */
    private static RelayApp reportingRelay() throws Exception {
        return RelayEnvironment.reportingRelay(server, dir.resolve("relay"), SECRET, "relay-pudong-1", "川沙新镇");
    }

    private static String request(WsClient station, String item, boolean priority) {
        station.send(new ClientMessage.CallRequest(null, item, priority));
        return station.await(ServerMessage.CallQueued.class).callId();
    }

    private static void signIn(String token) {
        WebElement field = driver.findElement(By.id("signin-token"));
        field.sendKeys(token);
        driver.findElement(By.id("signin-button")).click();
    }

    private static String text(String css) {
        return page.text(css);
    }

    private static String attribute(String css, String name) {
        return page.attribute(css, name);
    }

    private static boolean shown(String css) {
        return page.shown(css);
    }

    private static void waitFor(String css) {
        page.waitFor(css);
    }

    private static void waitGone(String css) {
        page.waitGone(css);
    }
}
