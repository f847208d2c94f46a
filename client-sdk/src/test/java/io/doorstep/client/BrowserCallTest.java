package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.doorstep.client.devices.GeneratedDocuments;
import io.doorstep.protocol.Role;
import io.doorstep.testsupport.HeadlessChromium;
import io.doorstep.testsupport.PageProbe;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A whole call between two browsers, through the whole system in this JVM: the station page (/station/) in one
 * headless Chromium and the agent console (/agent/) in another, each with its fake camera and microphone, both told
 * to use relayed candidates only, so every packet of the call goes through our TURN relay. Video is decoded on both
 * sides (getStats), a photo the station takes from its camera reaches the agent's documents with a verified SHA-256,
 * a file the station chooses too, the agent's requests for a scan and a card read are answered (a photo; declined:
 * no reader), a form the agent sends is checked and confirmed printed at the station (another reported failed,
 * with the reason), and the operators' dashboard (a window of its own) shows the call while it lasts. The run saves
 * the station page in the call as docs/screenshots/station.png.
 */
class BrowserCallTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration MEDIA_WAIT = Duration.ofSeconds(45);

    @TempDir
    static Path dir;

    private static DoorstepSystem system;
    private static HeadlessChromium stationBrowser;
    private static HeadlessChromium agentBrowser;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled();
        // both parties relay-only; a wrap-up long enough to see the agent console in it after the hang-up
        system = DoorstepSystem.start(Map.of("DOORSTEP_MEDIA_AGENT_ICE_TRANSPORT_POLICY", "relay",
                "DOORSTEP_ROUTING_WRAP_UP", "30s"));
        stationBrowser = HeadlessChromium.start(dir.resolve("station-browser"));
        agentBrowser = HeadlessChromium.start(dir.resolve("agent-browser"));
    }

    @AfterAll
    static void stop() {
        for (HeadlessChromium browser : new HeadlessChromium[] {stationBrowser, agentBrowser}) {
            if (browser != null) {
                browser.close();
            }
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aBrowserStationAndABrowserAgentCompleteACallThroughTheRelay() throws Exception {
        ChromeDriver st = stationBrowser.driver();
        ChromeDriver ag = agentBrowser.driver();
        PageProbe station = new PageProbe(st, WAIT);
        PageProbe agent = new PageProbe(ag, WAIT);
        stationBrowser.viewport(1280, 720);
        agentBrowser.viewport(1280, 720);

        agent.openFresh(system.httpUri("/agent/"));
        signIn(ag, system.token(DoorstepSystem.AGENT, Role.AGENT));
        agent.waitFor("body[data-status='online'][data-agent-state='away']");
        ag.findElement(By.id("go-available")).click();
        agent.waitFor("body[data-agent-state='available']");

        station.openFresh(system.httpUri("/station/"));
        signIn(st, system.token(DoorstepSystem.STATION, Role.STATION));
        station.waitFor("body[data-status='online'] button[data-item='MR-001']");
        st.findElement(By.id("search")).sendKeys("门诊医疗记录册");
        st.findElement(By.cssSelector("button[data-item='MR-001']")).click();
        st.findElement(By.cssSelector("label[for='priority']")).click();
        st.findElement(By.id("call")).click();

        // The agent's console rings; the station sees it ringing; the agent answers.
        agent.waitFor("#offer[data-call]");
        String callId = agent.attribute("#offer", "data-call");
        station.waitFor("body[data-view='waiting'][data-ringing='true'][data-call='" + callId + "']");
        assertThat(station.shown("#wait-priority")).isTrue();
        ag.findElement(By.id("accept")).click();
        station.waitFor("body[data-view='incall']");
        assertThat(station.text("#agent-name")).isEqualTo("王敏");

        // Video decoded on both sides, by each browser's getStats, on relayed candidates only.
        PageProbe media = new PageProbe(st, MEDIA_WAIT);
        media.until("video decoded at the station and at the agent", () ->
                frames(station) > 10 && frames(agent) > 10);
        assertThat(station.attribute("#quality", "data-candidate-type")).isEqualTo("relay");
        assertThat(agent.attribute("#quality", "data-candidate-type")).isEqualTo("relay");
        assertThat(station.shown("#remote-note")).isFalse();

        // The operators' dashboard, in a window of its own, shows the call while it lasts.
        String agentWindow = ag.getWindowHandle();
        ag.switchTo().newWindow(WindowType.WINDOW);
        String dashboardWindow = ag.getWindowHandle();
        agent.openFresh(system.httpUri("/dashboard/"));
        signIn(ag, system.token("op-district-01", Role.OPERATOR));
        agent.waitFor("#calls tr[data-call='" + callId + "'][data-state='connected']");
        assertThat(agent.text("#calls tr[data-call='" + callId + "'] td")).contains("连民村家门口服务站");
        ag.switchTo().window(agentWindow);

        // A photo from the station's camera: previewed, sent, and verified by the agent against its SHA-256.
        st.findElement(By.id("photo")).click();
        station.waitFor("#snapshot:not([hidden]) #snapshot-image[src^='data:image/jpeg']");
        st.findElement(By.id("snapshot-send")).click();
        station.waitFor("#documents li[data-by='station'][data-state='completed']");
        String photoId = station.attribute("#documents li[data-by='station']", "data-document");
        String photoSha = station.attribute("#documents li[data-by='station']", "data-sha256");
        assertThat(photoSha).hasSize(64);
        String photoRow = "#documents li[data-document='" + photoId + "']";
        agent.waitFor(photoRow + "[data-verified='true']");
        assertThat(agent.attribute(photoRow, "data-sha256")).isEqualTo(photoSha);

        // A file the station chooses: a scan on the computer's disk.
        Path scan = dir.resolve("户口簿-第1页.png");
        Files.write(scan, GeneratedDocuments.png(1200, 900, 7));
        st.findElement(By.id("file-input")).sendKeys(scan.toString());
        station.until("two documents delivered", () -> "2".equals(String.valueOf(st.executeScript(
                "return document.querySelectorAll(\"#documents li[data-state='completed']\").length;"))));
        String scanId = (String) st.executeScript("return [...document.querySelectorAll('#documents li')]"
                + ".find(li => li.querySelector('.doc-name').innerText === arguments[0]).dataset.document;",
                scan.getFileName().toString());
        agent.waitFor("#documents li[data-document='" + scanId + "'][data-verified='true']");

        // The agent asks for a scan with a prompt: the staff see it, take the photo, and the request is answered.
        ag.findElement(By.id("prompt")).sendKeys("请扫描户口簿第2页");
        ag.findElement(By.id("request-scan")).click();
        station.waitFor("#request[data-device='document-camera'] #request-scan button[data-action='photo']");
        assertThat(station.text("#request-prompt")).isEqualTo("请扫描户口簿第2页");
        st.findElement(By.cssSelector("#request-scan button[data-action='photo']")).click();
        station.waitFor("#snapshot:not([hidden]) #snapshot-image[src^='data:image/jpeg']");
        st.findElement(By.id("snapshot-send")).click();
        assertThat(station.shown("#request")).isFalse();
        agent.waitGone("#requests li[data-device='document-camera'][data-status='requested']");
        station.until("three documents delivered", () -> "3".equals(String.valueOf(st.executeScript(
                "return document.querySelectorAll(\"#documents li[data-state='completed']\").length;"))));

        // An ID-card read: a browser kiosk has no reader, and the agent reads why.
        ag.findElement(By.id("request-idcard")).click();
        station.waitFor("#request[data-device='idcard-reader'] #request-decline");
        st.findElement(By.id("request-decline")).click();
        agent.waitFor("#requests li[data-device='idcard-reader'][data-status='declined']");
        assertThat(agent.text("#requests li[data-device='idcard-reader']")).contains("没有身份证读卡器");

        // A form the agent sends to print: checked at the station, opened for printing, confirmed printed.
        byte[] form = GeneratedDocuments.pdf(List.of("门诊医疗记录册申领表", "Application for a medical record booklet"));
        Path formFile = dir.resolve("申领表.pdf");
        Files.write(formFile, form);
        ag.findElement(By.id("print-file")).sendKeys(formFile.toString());
        ag.findElement(By.id("print-send")).click();
        station.waitFor("#print-jobs li[data-state='ready'] button[data-action='printed']");
        assertThat(station.text("#print-jobs li .doc-name")).isEqualTo("申领表.pdf · 1 份");
        assertThat(station.text("#print-jobs li .doc-state")).isEqualTo("已校验");
        assertThat(opensInANewTab(st, station, "#print-jobs li button[data-action='open']"))
                .startsWith("blob:http://127.0.0.1:");
        station.screenshot("station.png");
        st.findElement(By.cssSelector("#print-jobs li button[data-action='printed']")).click();
        station.waitFor("#print-jobs li[data-state='printed']");
        agent.waitFor("#print-jobs li[data-status='printed']");

        // A second form does not come out of the printer: the staff say why, and the agent reads it.
        Path second = dir.resolve("回执.png");
        Files.write(second, GeneratedDocuments.png(800, 1100, 3));
        ag.findElement(By.id("print-file")).sendKeys(second.toString());
        ag.findElement(By.id("print-send")).click();
        String job = "#print-jobs li:nth-child(2)";
        station.waitFor(job + "[data-state='ready'] button[data-action='failed']");
        st.findElement(By.cssSelector(job + " button[data-action='failed']")).click();
        station.waitFor(job + " button[data-action='reason']");
        assertThat(station.text(job + " .job-actions")).contains("缺纸", "卡纸", "打印机故障");
        st.findElement(By.cssSelector(job + " button[data-action='reason']:nth-of-type(2)")).click();
        station.waitFor(job + "[data-state='failed']");
        agent.waitFor("#print-jobs li[data-status='failed']");
        assertThat(agent.text("#print-jobs li[data-status='failed'] .job-status")).isEqualTo("打印失败：paper jam");

        // The station hangs up: both sides are told; the dashboard lets the call go.
        st.findElement(By.id("hangup")).click();
        station.waitFor("body[data-view='ended'] #ended-reason[data-reason='completed']");
        agent.waitFor("body[data-call-view='wrapup']");
        ag.switchTo().window(dashboardWindow);
        agent.waitGone("#calls tr[data-call='" + callId + "']");

        List<JsonNode> log = system.callLog(callId);
        assertThat(log).anySatisfy(l -> {
            assertThat(l.path("event").asText()).isEqualTo("ended");
            assertThat(l.path("reason").asText()).isEqualTo("completed");
            assertThat(l.path("priority").asBoolean()).isTrue();
        });
        assertThat(log).anySatisfy(l -> {
            assertThat(l.path("event").asText()).isEqualTo("print.result");
            assertThat(l.path("status").asText()).isEqualTo("printed");
        });
        assertThat(log).anySatisfy(l -> {
            assertThat(l.path("event").asText()).isEqualTo("print.result");
            assertThat(l.path("status").asText()).isEqualTo("failed");
            assertThat(l.path("reason").asText()).isEqualTo("paper jam");
        });
        assertThat(log).filteredOn(l -> l.path("event").asText().equals("document.completed")).hasSize(5);
    }

    @Test
    void aStationWhoseLineDropsKeepsItsPlaceInTheQueue() throws Exception {
        int port = DoorstepSystem.freePort();
        CuttableProxy line = new CuttableProxy(port, system.signallingPort()); // the village's network
        ChromeDriver st = stationBrowser.driver();
        PageProbe station = new PageProbe(st, WAIT);
        try {
            station.openFresh(URI.create("http://127.0.0.1:" + port + "/station/"));
            signIn(st, system.token("st-chuansha-qizao", Role.STATION));
            station.waitFor("body[data-status='online'] button[data-item='HF-001']");
            st.findElement(By.cssSelector("button[data-item='HF-001']")).click();
            st.findElement(By.id("call")).click();
            station.waitFor("body[data-view='waiting'][data-call] #queue-position[data-position='1']");
            String callId = station.attribute("body", "data-call");

            line.close(); // the line goes down: connections reset, nothing answers
            station.waitFor("body[data-status='reconnecting'] #banner");
            assertThat(station.text("#banner")).startsWith("网络中断，正在重新连接");
            assertThat(station.shown("#waiting")).as("the queue stays on the screen").isTrue();
            line = new CuttableProxy(port, system.signallingPort());
            station.waitFor("body[data-status='online']");
            assertThat(station.shown("#banner")).isFalse();
            // the session was resumed: the same call, still waiting, and it can still be cancelled
            assertThat(station.attribute("body", "data-call")).isEqualTo(callId);
            assertThat(station.shown("#waiting")).isTrue();
            st.findElement(By.id("cancel")).click();
            station.waitFor("body[data-view='ended'] #ended-reason[data-reason='cancelled']");
        } finally {
            line.close();
        }
    }

    /** Video frames this page's browser has decoded, as its getStats says (the pages show it on #quality). */
    private static long frames(PageProbe page) {
        String frames = page.attribute("#quality", "data-frames-decoded");
        return frames == null || frames.isEmpty() ? 0 : Long.parseLong(frames);
    }

    private static void signIn(ChromeDriver driver, String token) {
        driver.findElement(By.id("signin-token")).sendKeys(token);
        driver.findElement(By.id("signin-button")).click();
    }

    /** Clicks the button and returns the address of the tab it opened, then closes that tab. */
    private static String opensInANewTab(ChromeDriver driver, PageProbe page, String css) {
        String home = driver.getWindowHandle();
        driver.findElement(By.cssSelector(css)).click();
        page.until("a new tab", () -> driver.getWindowHandles().size() > 1);
        String tab = driver.getWindowHandles().stream().filter(h -> !h.equals(home)).findFirst().orElseThrow();
        String url = driver.switchTo().window(tab).getCurrentUrl();
        driver.close();
        driver.switchTo().window(home);
        return url;
    }
}
