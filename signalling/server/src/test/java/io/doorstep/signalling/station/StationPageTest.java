package io.doorstep.signalling.station;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The station page (/station/) in the system's headless Chromium against a real server: a station signs in with its
 * token, finds a service item, calls, watches its place in the queue change as other stations (WebSocket test
 * clients) come and go and an agent's console rings, cancels; in a call it answers the agent's device requests the
 * way a browser kiosk can. The full call with media, documents and printing through the relay is BrowserCallTest
 * (client-sdk).
 */
class StationPageTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static TestServer server;
    private static HeadlessChromium chromium;
    private static PageProbe page;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        server = TestServer.start(Map.of("DOORSTEP_ROUTING_WRAP_UP", "0s"));
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
        page.openFresh(server.httpUri("/station")); // the folder without its slash redirects
    }

    @Test
    void stationFindsAnItemCallsWatchesTheQueueAndCancels() {
        signIn(server.token("st-test-01", Role.STATION));
        page.waitFor("body[data-view='catalogue'][data-status='online'] #groups button[data-item]");
        assertThat(page.text("#station-name")).isEqualTo("测试一村家门口服务站");
        assertThat(page.text("button[data-item='MI-001'] .name")).isEqualTo("城乡居民基本医疗保险参保登记");
        assertThat(page.text("button[data-item='MI-001'] .other"))
                .isEqualTo("Urban-rural resident basic medical insurance enrolment");
        long all = count("#groups button[data-item]");
        assertThat(all).as("the whole catalogue").isGreaterThan(200);

        type("#search", "公积金");
        page.until("filtered to the housing fund", () -> count("#groups section.group") == 1);
        assertThat(page.attribute("#groups section.group", "data-group")).isEqualTo("housing-fund");
        driver.findElement(By.id("search")).clear();
        type("#search", "mi-001" + Keys.ENTER); // a code, in any case; Enter picks the only match
        page.waitFor("button[data-item='MI-001'][aria-pressed='true']");
        assertThat(count("#groups button[data-item]")).isEqualTo(1);
        assertThat(page.text("#chosen-name")).isEqualTo(page.text("button[data-item='MI-001'] .name"));

        try (WsClient first = server.signIn("st-test-02", Role.STATION)) {
            String ahead = request(first, "MI-002");
            click("#call");
            page.waitFor("body[data-view='waiting'] #queue-position[data-position='2']");
            assertThat(page.text("#queue-position")).isEqualTo("第 2 位");
            assertThat(page.text("#queue-wait")).isEqualTo("暂无");
            assertThat(page.text("#wait-note")).contains("没有坐席在岗");
            assertThat(page.shown("#wait-priority")).isFalse();

            first.send(new ClientMessage.CallCancel(null, ahead));
            page.waitFor("#queue-position[data-position='1']");
            assertThat(page.text("#queue-position")).isEqualTo("下一位");

            try (WsClient agent = server.signIn("ag-mi-01", Role.AGENT)) {
                agent.setAvailable();
                String offered = agent.await(ServerMessage.CallOffer.class).callId();
                page.waitFor("body[data-ringing='true']");
                assertThat(page.text("#wait-state")).isEqualTo("坐席正在接听…");

                click("#cancel");
                page.waitFor("body[data-view='ended'] #ended-reason[data-reason='cancelled']");
                assertThat(page.text("#ended-reason")).isEqualTo("呼叫已取消。");
                ServerMessage.OfferWithdrawn withdrawn = agent.await(ServerMessage.OfferWithdrawn.class);
                assertThat(withdrawn.callId()).isEqualTo(offered);
                assertThat(withdrawn.cause()).isEqualTo("CANCELLED");
            }
        }
        click("#again");
        page.waitFor("body[data-view='catalogue']");
        assertThat(count("#groups button[data-item]")).isEqualTo(all);
        assertThat(page.attribute("#call", "disabled")).isNotNull();
    }

    @Test
    void aPriorityCallGoesAheadAndSaysSo() {
        try (WsClient other = server.signIn("st-test-03", Role.STATION)) {
            String ahead = request(other, "PE-001");
            signIn(server.token("st-test-04", Role.STATION));
            page.waitFor("button[data-item='PE-001']");
            click("button[data-item='PE-001']");
            click("label[for='priority']");
            click("#call");
            page.waitFor("body[data-view='waiting'] #queue-position[data-position='1']");
            assertThat(page.shown("#wait-priority")).isTrue();
            click("#cancel");
            page.waitFor("body[data-view='ended']");
            other.send(new ClientMessage.CallCancel(null, ahead)); // no call left waiting for the other tests' agents
        }
    }

    @Test
    void inACallTheKioskAnswersTheAgentsDeviceRequests() {
        try (WsClient agent = server.availableAgent("ag-pe-01")) {
            signIn(server.token("st-test-05", Role.STATION));
            page.waitFor("button[data-item='PE-001']");
            click("button[data-item='PE-001']");
            click("#call");
            String callId = agent.await(ServerMessage.CallOffer.class).callId();
            agent.send(new ClientMessage.CallAccept(null, callId));
            page.waitFor("body[data-view='incall']");
            assertThat(page.text("#agent-name")).isEqualTo("养老一");
            agent.await(ServerMessage.Sdp.class); // the page offers media at once, as the initiator

            // an ID-card read: no reader in a browser, so typed from the card; a wrong check digit is stopped here
            agent.send(new ClientMessage.DeviceRequest(null, callId, "dr-1", Devices.Kind.IDCARD_READER, "请读身份证"));
            page.waitFor("#request[data-device='idcard-reader'] #request-idcard");
            assertThat(page.text("#request-prompt")).isEqualTo("请读身份证");
            assertThat(page.text("#request-idcard p")).contains("没有身份证读卡器");
            type("#idcard-name", "张三");
            type("#idcard-number", "110101199003070001");
            click("#request-idcard button[type='submit']");
            assertThat(page.shown("#request")).as("a mistyped ID number is not sent").isTrue();
            driver.findElement(By.id("idcard-number")).clear();
            type("#idcard-number", "11010519491231002X");
            click("#request-idcard button[type='submit']");
            ServerMessage.IdCardRead card = agent.await(ServerMessage.IdCardRead.class);
            assertThat(card.card().name()).isEqualTo("张三");
            assertThat(card.card().idNumber()).isEqualTo("11010519491231002X");
            page.waitGone("#request:not([hidden])");
            assertThat(value("#idcard-number") + value("#idcard-name")).as("nothing personal left in the page").isEmpty();

            // declined, with the reason the agent reads
            agent.send(new ClientMessage.DeviceRequest(null, callId, "dr-2", Devices.Kind.IDCARD_READER, null));
            page.waitFor("#request[data-request='dr-2']");
            click("#request-decline");
            ServerMessage.DeviceDeclined declined = agent.await(ServerMessage.DeviceDeclined.class);
            assertThat(declined.requestId()).isEqualTo("dr-2");
            assertThat(declined.reason()).contains("没有身份证读卡器");

            // a barcode: the scanner gun types into the focused field and ends with Enter
            agent.send(new ClientMessage.DeviceRequest(null, callId, "dr-3", Devices.Kind.BARCODE_SCANNER, null));
            page.waitFor("#request[data-request='dr-3'] #barcode-code");
            driver.switchTo().activeElement().sendKeys("MRB-2026-000123" + Keys.ENTER);
            assertThat(agent.await(ServerMessage.BarcodeScan.class).barcode().code()).isEqualTo("MRB-2026-000123");
            page.waitGone("#request:not([hidden])");

            agent.send(new ClientMessage.CallHangup(null, callId, null));
            page.waitFor("body[data-view='ended'] #ended-reason[data-reason='completed']");
        }
    }

    @Test
    void tokensOfOtherRolesAndBadTokensAreRefused() {
        for (var who : List.of(Map.entry("ag-mi-02", Role.AGENT), Map.entry("op-test-01", Role.OPERATOR))) {
            signIn(server.token(who.getKey(), who.getValue()));
            page.waitFor("body[data-status='refused'] #signin-error");
            assertThat(page.text("#signin-error")).isEqualTo("此页面仅供服务站使用：该令牌不是服务站角色。");
            assertThat(page.shown("#catalogue")).isFalse();
            driver.findElement(By.id("signin-token")).clear();
        }
        signIn("not-a-token-at-all");
        page.waitFor("body[data-status='refused'] #signin-error");
        assertThat(page.text("#signin-error")).isEqualTo("令牌无效或已过期，请重新签发。");
    }

    @Test
    void englishOnRequestAndTheChoiceSurvivesAReload() {
        signIn(server.token("st-test-06", Role.STATION));
        page.waitFor("button[data-item='MR-001']");
        click("#lang");
        assertThat(page.text("h1")).isEqualTo("Doorstep services · Video call");
        assertThat(page.text("button[data-item='MR-001'] .name")).isEqualTo("Issue of outpatient medical record booklet");
        assertThat(page.text("button[data-item='MR-001'] .other")).isEqualTo("门诊医疗记录册发放");
        long overflow = (Long) driver.executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow).as("no sideways scrolling at 1280x720").isLessThanOrEqualTo(0);
        driver.navigate().refresh();
        page.waitFor("body[data-status='online'] button[data-item='MR-001']");
        assertThat(page.text("#call")).isEqualTo("Video call");
    }

    private static String request(WsClient station, String item) {
        station.send(new ClientMessage.CallRequest(null, item, false));
        return station.await(ServerMessage.CallQueued.class).callId();
    }

    private static void signIn(String token) {
        type("#signin-token", token);
        click("#signin-button");
    }

    private static long count(String css) {
        return (Long) driver.executeScript("return document.querySelectorAll(arguments[0]).length;", css);
    }

    private static void click(String css) {
        driver.findElement(By.cssSelector(css)).click();
    }

    private static void type(String css, String text) {
        driver.findElement(By.cssSelector(css)).sendKeys(text);
    }

    /** What is typed in a form field (its value, not its attribute). */
    private static String value(String css) {
        return (String) driver.executeScript("return document.querySelector(arguments[0]).value;", css);
    }
}
