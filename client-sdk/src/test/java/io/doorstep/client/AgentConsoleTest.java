package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.client.devices.GeneratedDocuments;
import io.doorstep.client.devices.Kit;
import io.doorstep.client.devices.Scan;
import io.doorstep.client.devices.SimulatedKit;
import io.doorstep.client.documents.Document;
import io.doorstep.client.media.CallStats;
import io.doorstep.client.media.TestPatternFeed;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.testsupport.HeadlessChromium;
import io.doorstep.testsupport.PageProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The agent console (/agent/) in the system's headless Chromium, with fake camera and microphone, against the whole
 * system (signalling server and relay in this JVM): a mixed call with a Java SDK station and its simulated kit,
 * video decoded on both sides, a scan read while it uploads and checked against its SHA-256, an ID-card read shown
 * masked, a form printed at the station, hang-up and after-call notes. The test run saves the screenshot in
 * docs/screenshots/agent-console.png.
 */
class AgentConsoleTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CARD_NUMBER = SimulatedKit.INVENTED_CARD.idNumber();

    @TempDir
    static Path dir;

    private static DoorstepSystem system;
    private static CuttableProxy documentsLine;
    private static HeadlessChromium chromium;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        // a wrap-up long enough to write the after-call notes in; the document relay reached through a line that
        // can be cut, as a village uplink is
        int documentsLinePort = DoorstepSystem.freePort();
        system = DoorstepSystem.start(Map.of("DOORSTEP_ROUTING_WRAP_UP", "30s",
                "DOORSTEP_DOCUMENTS_URL", "http://127.0.0.1:" + documentsLinePort + "/files/"));
        documentsLine = new CuttableProxy(documentsLinePort, system.documentsPort());
        chromium = HeadlessChromium.start(dir.resolve("chromium"));
        driver = chromium.driver();
    }

    @AfterAll
    static void stop() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        if (system != null) {
            system.close();
        }
        if (documentsLine != null) {
            documentsLine.close();
        }
    }

    @BeforeEach
    void freshPage() {
        chromium.viewport(1280, 720);
        open(system.httpUri("/agent/"));
    }

    @Test
    void anAgentInTheBrowserCompletesACallWithAnSdkStation() throws Exception {
        Path printed = Files.createDirectories(dir.resolve("printed"));
        Kit kit = SimulatedKit.create(400_000, printed, List.of(new Devices.Barcode("MRB-2026-000123", "qr")));
        Recorder s = new Recorder();
        List<String> prompts = new CopyOnWriteArrayList<>();
        s.onDeviceRequest = request -> { // the staff do what the agent asks at once
            prompts.add(request.device() + ": " + request.prompt());
            request.perform();
        };
        try (TestPatternFeed camera = new TestPatternFeed(320, 240, 15);
             StationClient station = StationClient.start(system.options(DoorstepSystem.STATION, Role.STATION)
                     .build(), kit, camera, s)) {
            s.await(Recorder.SignedIn.class);
            signIn(system.token(DoorstepSystem.AGENT, Role.AGENT));
            waitFor("body[data-status='online'][data-agent-state='away']");
            assertThat(text("#agent-name")).isEqualTo("王敏");
            click("go-available");
            waitFor("body[data-agent-state='available']");

            // The offer rings with the station, its village, the service item and the wait so far.
            String callId = station.requestCall("MR-001", true).get(10, TimeUnit.SECONDS).callId();
            waitFor("#offer[data-call='" + callId + "']");
            assertThat(text("#offer-station")).isEqualTo("连民村家门口服务站");
            assertThat(text("#offer-place")).isEqualTo("川沙新镇 · 连民村");
            assertThat(text("#offer-item")).contains("门诊医疗记录册发放", "MR-001");
            assertThat(text("#offer-waited")).startsWith("已等待 00:0");
            assertThat(shown("#offer-priority")).isTrue();
            waitFor("body[data-ringing='true']");
            click("accept");
            waitFor("body[data-call-view='call'][data-agent-state='busy']");
            assertThat(s.await(ServerMessage.CallConnected.class).initiator()).isTrue();

            // Video decoded on both sides: the page's figures come from getStats, the station's from libwebrtc.
            await("video both ways").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                    .until(() -> framesDecodedInBrowser() > 10 && decoding(station.stats()));
            waitFor("#quality:not([data-level='none'])");

            // The agent asks for a scan: the station's document camera takes it, the page reads it while it
            // uploads and verifies it against its SHA-256.
            driver.findElement(By.id("prompt")).sendKeys("请扫描户口簿第1页");
            click("request-scan");
            Document scan = s.await(Document.class, d -> d.status() == Document.Status.COMPLETED
                    && d.uploadedBy() == Role.STATION);
            assertThat(prompts).containsExactly("DOCUMENT_CAMERA: 请扫描户口簿第1页");
            driver.findElement(By.id("prompt")).clear();
            String row = "#documents li[data-document='" + scan.id() + "']";
            waitFor(row + "[data-verified='true'] .badge.verified");
            assertThat(attribute(row, "data-sha256")).isEqualTo(scan.sha256());
            assertThat(text(row + " .badge")).isEqualTo("SHA-256 已校验");
            assertThat(attribute(row + " .thumb img", "src")).startsWith("blob:");
            assertThat(shown("#requests li")).as("the request is done").isFalse();

            // A PDF the station uploads opens in the browser from what the page read and verified.
            byte[] pdf = GeneratedDocuments.pdf(List.of("Household register, page 2"));
            Document register = station.upload(new Scan(pdf, "application/pdf", "户口簿-第2页.pdf"), 2, (x, y) -> { })
                    .get(30, TimeUnit.SECONDS);
            String pdfRow = "#documents li[data-document='" + register.id() + "']";
            waitFor(pdfRow + "[data-verified='true'] .doc-open");
            assertThat(text(pdfRow + " .thumb")).isEqualTo("PDF");
            assertThat(text(pdfRow + " .doc-from")).isEqualTo("服务站 · 高拍仪 · 第 2 页");
            assertThat(opensInANewTab(pdfRow + " .doc-open")).startsWith("blob:http://127.0.0.1:");

            // The agent asks for an ID-card read: the number shows masked until revealed.
            click("request-idcard");
            waitFor("#idcard");
            assertThat(text("#idcard-name")).isEqualTo(SimulatedKit.INVENTED_CARD.name());
            assertThat(text("#idcard-number")).isEqualTo(CARD_NUMBER.substring(0, 6) + "********"
                    + CARD_NUMBER.substring(14)).doesNotContain(CARD_NUMBER);
            click("reveal");
            assertThat(text("#idcard-number")).isEqualTo(CARD_NUMBER);
            click("reveal");
            click("request-barcode");
            waitFor("#barcodes li");
            assertThat(text("#barcodes li")).contains("MRB-2026-000123");

            // A form to print: uploaded from the page, printed at the station, confirmed in the page.
            byte[] form = GeneratedDocuments.pdf(List.of("Application for an outpatient medical record booklet"));
            Path formFile = dir.resolve("申领表.pdf");
            Files.write(formFile, form);
            driver.findElement(By.id("print-file")).sendKeys(formFile.toString());
            click("print-send");
            waitFor("#print-jobs li[data-status='printed']");
            assertThat(text("#print-jobs li .job-status")).isEqualTo("服务站已打印");
            assertThat(s.await(Recorder.Printed.class).status()).isEqualTo(PrintStatus.PRINTED);
            try (var files = Files.list(printed)) {
                assertThat(Files.readAllBytes(files.findFirst().orElseThrow())).isEqualTo(form);
            }
            // A 2 MB form while the line drops in the middle of its upload: the page asks the relay where the
            // upload got to (tus HEAD) and goes on from there; the station prints it whole.
            byte[] big = GeneratedDocuments.jpeg(2_000_000, 7);
            Path bigFile = dir.resolve("户籍证明.jpg");
            Files.write(bigFile, big);
            documentsLine.cutAfterUpstreamBytes(700_000);
            driver.findElement(By.id("print-file")).sendKeys(bigFile.toString());
            click("print-send");
            waitFor("#print-jobs li[data-job='job-2'][data-status='printed']");
            assertThat(s.await(Recorder.Printed.class).status()).isEqualTo(PrintStatus.PRINTED);
            try (var files = Files.list(printed)) {
                assertThat(files.map(AgentConsoleTest::read)).hasSize(2).anyMatch(bytes -> Arrays.equals(bytes, big));
            }
            // the forms are documents of the call too; the page's own uploads need no verifying read
            assertThat(text("#documents-count")).isEqualTo("4");
            await("the page reports the call's quality").atMost(WAIT).until(() ->
                    system.metric("doorstep_call_quality_reports_total", "role=\"agent\"") >= 1);
            page().screenshot("agent-console.png");
            for (int[] screen : new int[][] {{1920, 1080}, {1280, 720}}) {
                chromium.viewport(screen[0], screen[1]);
                assertThat((Long) driver.executeScript("const d = document.documentElement;"
                        + " return Math.max(d.scrollWidth - d.clientWidth, d.scrollHeight - d.clientHeight);"))
                        .as("the whole console on a %dx%d screen, without scrolling", screen[0], screen[1])
                        .isLessThanOrEqualTo(0);
            }

            click("mute");
            assertThat(attribute("#mute", "aria-pressed")).isEqualTo("true");
            assertThat(text("#mute")).isEqualTo("取消静音");

            // Hang-up, after-call notes during the wrap-up with its countdown, then available again.
            click("hangup");
            assertThat(s.await(ServerMessage.CallEnded.class).by()).isEqualTo(Role.AGENT);
            waitFor("body[data-call-view='wrapup'][data-agent-state='wrap_up'] #wrap-countdown");
            assertThat(text("#wrap-left")).matches("[0-9]+ 秒后自动恢复空闲");
            driver.findElement(By.id("notes")).sendKeys("已受理，材料齐全");
            click("wrap-done");
            waitFor("body[data-call-view='idle'][data-agent-state='available']");
            assertThat(text("#recent li[data-call='" + callId + "']")).contains("连民村家门口服务站", "已受理，材料齐全");
        }
    }

    @Test
    void tokensThatAreNotAnAgentsAreRefusedWithAClearError() {
        signIn("not-a-token-at-all");
        waitFor("body[data-status='refused']");
        assertThat(text("#signin-error")).isEqualTo("令牌无效或已过期，请重新签发。");
        for (var who : List.of(new Object[] {"st-chuansha-qizao", Role.STATION},
                new Object[] {"op-district-01", Role.OPERATOR})) {
            driver.findElement(By.id("signin-token")).clear();
            signIn(system.token((String) who[0], (Role) who[1]));
            waitFor("body[data-status='refused']");
            assertThat(text("#signin-error")).isEqualTo("此工作台仅限坐席：该令牌不是坐席角色。");
            assertThat(shown("#desk")).isFalse();
        }
        // an agent id with a station token's role: the server refuses it (ROLE_MISMATCH)
        driver.findElement(By.id("signin-token")).clear();
        signIn(system.token(DoorstepSystem.AGENT, Role.STATION));
        waitFor("body[data-status='refused']");
        assertThat(text("#signin-error")).isEqualTo("此工作台仅限坐席：该令牌不是坐席角色。");
    }

    @Test
    void signingInElsewhereTakesTheSessionOverAndThePageDoesNotFightBack() throws Exception {
        signIn(system.token("ag-shuyuan-01", Role.AGENT));
        waitFor("body[data-status='online']");
        Recorder elsewhere = new Recorder();
        try (AgentClient other = AgentClient.start(system.options("ag-shuyuan-01", Role.AGENT).build(), elsewhere)) {
            elsewhere.await(Recorder.SignedIn.class);
            waitFor("body[data-status='refused'] #signin-error");
            assertThat(text("#signin-error")).isEqualTo("该坐席已在其他地方登录，本页面已退出。");
            Thread.sleep(2_000); // a page that reconnected by itself would take the session back by now
            assertThat(other.setState(AgentState.AVAILABLE).get(10, TimeUnit.SECONDS)).as("still the session's owner")
                    .isEqualTo(AgentState.AVAILABLE);
            assertThat(shown("#signin")).isTrue();
        }
    }

    @Test
    void aDropInTheMiddleOfACallShowsReconnectingAndTheCallGoesOn() throws Exception {
        int port = DoorstepSystem.freePort();
        CuttableProxy line = new CuttableProxy(port, system.signallingPort()); // the agent's network
        Recorder s = new Recorder();
        try (TestPatternFeed camera = new TestPatternFeed(320, 240, 15);
             StationClient station = StationClient.start(system.options("st-chuansha-qizao", Role.STATION).build(),
                     Kit.NONE, camera, s)) {
            open(URI.create("http://127.0.0.1:" + port + "/agent/"));
            signIn(system.token("ag-huinan-01", Role.AGENT));
            waitFor("body[data-status='online'][data-agent-state='away']");
            assertThat(driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + " import('/common/ticker.js').then(t => t.after(50, () => done('ticked in the worker')));"))
                    .as("the heartbeat's timers run in a worker, allowed by the page's policy")
                    .isEqualTo("ticked in the worker");
            click("go-available");
            waitFor("body[data-agent-state='available']");
            // rejected by the only agent of its skill group signed in: the call ends, the agent stays available
            String rejected = station.requestCall("PE-001", false).get(10, TimeUnit.SECONDS).callId();
            waitFor("#offer[data-call='" + rejected + "']");
            assertThat(shown("#offer-priority")).isFalse();
            click("reject");
            assertThat(s.await(ServerMessage.CallEnded.class).reason()).isEqualTo(EndReason.REJECTED_BY_ALL);
            waitFor("body[data-agent-state='available'][data-ringing='false']");
            assertThat(shown("#offer")).isFalse();

            String callId = station.requestCall("PE-001", false).get(10, TimeUnit.SECONDS).callId();
            waitFor("#offer[data-call='" + callId + "']");
            click("accept");
            await("video both ways").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                    .until(() -> framesDecodedInBrowser() > 10 && decoding(station.stats()));
            assertThat(shown("#banner")).isFalse();

            line.close(); // the line goes down: connections reset, nothing answers
            waitFor("body[data-status='reconnecting'] #banner");
            assertThat(text("#banner")).startsWith("与服务器的连接中断，正在重新连接");
            s.await(Recorder.PeerReconnecting.class);
            assertThat(shown("#call")).as("the call stays on the screen").isTrue();
            line = new CuttableProxy(port, system.signallingPort());
            waitFor("body[data-status='online']");
            assertThat(shown("#banner")).isFalse();
            s.await(Recorder.PeerReconnected.class);
            // the session was resumed, not begun afresh: still busy in the same call, and the video goes on
            assertThat(attribute("#agent-state", "data-state")).isEqualTo("busy");
            long before = framesDecodedInBrowser();
            await("video after the drop").atMost(WAIT).until(() -> framesDecodedInBrowser() > before + 30);

            station.hangUp().get(10, TimeUnit.SECONDS);
            waitFor("body[data-call-view='wrapup']");
            assertThat(text("#wrap-ended")).startsWith("通话已结束 (已挂断)");
            driver.findElement(By.id("lang")).click();
            assertThat(text("h1")).isEqualTo("Remote video services · Agent console");
            assertThat(text("#agent-state")).isEqualTo("Wrap-up");
            driver.findElement(By.id("lang")).click();
            click("wrap-away");
            waitFor("body[data-call-view='idle'][data-agent-state='away']");
        } finally {
            line.close();
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Clicks the link and returns the address the new tab opened, then closes that tab. */
    private static String opensInANewTab(String css) {
        String console = driver.getWindowHandle();
        driver.findElement(By.cssSelector(css)).click();
        page().until("a new tab", () -> driver.getWindowHandles().size() > 1);
        String tab = driver.getWindowHandles().stream().filter(h -> !h.equals(console)).findFirst().orElseThrow();
        String url = driver.switchTo().window(tab).getCurrentUrl();
        driver.close();
        driver.switchTo().window(console);
        return url;
    }

    /** Video of the station decoded by the SDK, on a connected pair. */
    private static boolean decoding(CallStats stats) {
        return stats != null && stats.connected() && stats.framesDecoded() > 10;
    }

    private static long framesDecodedInBrowser() {
        String frames = attribute("#quality", "data-frames-decoded");
        return frames == null || frames.isEmpty() ? 0 : Long.parseLong(frames);
    }

    private static void open(URI page) {
        page().openFresh(page);
    }

    private static void signIn(String token) {
        driver.findElement(By.id("signin-token")).sendKeys(token);
        click("signin-button");
    }

    private static void click(String id) {
        driver.findElement(By.id(id)).click();
    }

    private static String text(String css) {
        return page().text(css);
    }

    private static String attribute(String css, String name) {
        return page().attribute(css, name);
    }

    private static boolean shown(String css) {
        return page().shown(css);
    }

    private static void waitFor(String css) {
        page().waitFor(css);
    }

    private static PageProbe page() {
        return new PageProbe(driver, WAIT);
    }
}
