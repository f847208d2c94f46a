package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.doorstep.client.devices.CaptureCamera;
import io.doorstep.client.devices.GeneratedDocuments;
import io.doorstep.client.devices.Kit;
import io.doorstep.client.devices.SimulatedKit;
import io.doorstep.client.documents.Document;
import io.doorstep.client.documents.DocumentContent;
import io.doorstep.client.internal.documents.Hashes;
import io.doorstep.client.media.CallStats;
import io.doorstep.client.media.CameraFeed;
import io.doorstep.client.media.TestPatternFeed;
import io.doorstep.client.media.VideoFeed;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole call through the real system (signalling server and relay in this JVM, real sockets, real WebRTC): a
 * station asks, waits, is answered; video flows both ways through our TURN relay, relayed candidates only; a 3 MB
 * scan reaches the agent byte for byte while it uploads; the agent asks for an ID-card read and a scan through the
 * station's kit; a form is printed at the station; hang-up, wrap-up, and the call log holds the whole call.
 */
class CallEndToEndTest extends WithSystem {
    static Path printed;

    @BeforeAll
    static void printer() throws Exception {
        printed = Files.createTempDirectory("doorstep-printed");
    }

    @Test
    void aStationAndAnAgentCompleteACall() throws Exception {
        Recorder s = new Recorder();
        Recorder a = new Recorder();
        Kit simulated = SimulatedKit.create(3_000_000, printed, List.of(new Devices.Barcode("MRB-2026-000123", "qr")));
        // The real webcam device, as a station would set it up; this machine has none, so it reports itself absent
        // and the call's video comes from the test pattern the station chose instead.
        Kit kit = new Kit(simulated.documentCamera(), simulated.idCardReader(), simulated.barcodeScanner(),
                simulated.printer(), CaptureCamera.first());
        s.onDeviceRequest = DeviceRequest::perform; // the staff do what the agent asks at once
        try (VideoFeed stationCamera = CameraFeed.openFirstOr(320, 240, 15, () -> new TestPatternFeed(320, 240, 15));
             TestPatternFeed agentCamera = new TestPatternFeed(320, 240, 15);
             StationClient station = StationClient.start(system.options(DoorstepSystem.STATION, Role.STATION)
                     .build(), kit, stationCamera, s);
             // The server tells stations to relay only; the agent asks for it itself.
             AgentClient agent = AgentClient.start(system.options(DoorstepSystem.AGENT, Role.AGENT)
                     .relayOnly(true).build(), agentCamera, a)) {
            s.await(Recorder.SignedIn.class);
            assertThat(a.await(ServerMessage.AgentStateChanged.class).state()).isEqualTo(AgentState.AWAY);

            // Queued with nobody on duty, then offered when the agent becomes available.
            ServerMessage.CallQueued queued = station.requestCall("MR-001", true).get(10, TimeUnit.SECONDS);
            assertThat(queued.position()).isEqualTo(1);
            assertThat(queued.estimatedWaitSeconds()).isNull();
            assertThat(agent.setState(AgentState.AVAILABLE).get(10, TimeUnit.SECONDS)).isEqualTo(AgentState.AVAILABLE);
            ServerMessage.CallOffer offer = a.await(ServerMessage.CallOffer.class);
            assertThat(offer.callId()).isEqualTo(queued.callId());
            assertThat(offer.priority()).isTrue();
            s.await(ServerMessage.CallQueued.class, ServerMessage.CallQueued::ringing);

            ServerMessage.CallConnected connected = agent.accept(offer.callId()).get(10, TimeUnit.SECONDS);
            assertThat(connected.initiator()).isFalse();
            assertThat(s.await(ServerMessage.CallConnected.class).initiator()).isTrue();
            String callId = connected.callId();

            // Video both ways, through the relay at both ends of the selected pair.
            await().atMost(Duration.ofSeconds(30)).until(() -> flowing(station.stats()) && flowing(agent.stats()));
            assertThat(station.stats().relayedBothEnds()).isTrue();
            assertThat(agent.stats().relayedBothEnds()).isTrue();
            // Both report their quality to the server, for operators; the station's kit is on the snapshot.
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    system.metric("doorstep_call_quality_reports_total", "role=\"station\"") >= 1
                    && system.metric("doorstep_call_quality_reports_total", "role=\"agent\"") >= 1);
            assertThat(system.metric("doorstep_station_devices", "device=\"printer\"", "state=\"ready\""))
                    .isEqualTo(1.0);
            assertThat(system.metric("doorstep_station_devices", "device=\"camera\"", "state=\"absent\""))
                    .as("no webcam: a kit fault for operators, not a failed call").isEqualTo(1.0);
            assertThat(system.operatorGet("/api/snapshot")).contains("\"id\":\"" + DoorstepSystem.STATION
                    + "\",\"online\":true,\"devices\":[{\"device\":\"document-camera\"");

            // A 3 MB scan: the agent reads it while it uploads, byte for byte, hash checked.
            List<Long> progress = new CopyOnWriteArrayList<>();
            var upload = station.scan(1, (sent, length) -> progress.add(sent));
            Document offered = a.await(Document.class, d -> d.uploadedBy() == Role.STATION);
            assertThat(offered.length()).isGreaterThan(3_000_000);
            DocumentContent read = agent.read(offered.id()).get(30, TimeUnit.SECONDS);
            Document uploaded = upload.get(30, TimeUnit.SECONDS);
            assertThat(read.bytes()).hasSize((int) uploaded.length());
            assertThat(Hashes.sha256Hex(read.bytes())).isEqualTo(uploaded.sha256());
            assertThat(read.document().mediaType()).isEqualTo("image/jpeg");
            assertThat(progress).hasSizeGreaterThan(10).last().isEqualTo(uploaded.length());

            // The agent asks for the villager's ID card and another scan; the station's kit answers both.
            agent.requestIdCard("请把身份证放在读卡器上").get(10, TimeUnit.SECONDS);
            assertThat(a.await(ServerMessage.IdCardRead.class).card()).isEqualTo(SimulatedKit.INVENTED_CARD);
            agent.requestScan("请扫描户口簿第2页").get(10, TimeUnit.SECONDS);
            Document second = a.await(Document.class, d -> d.status() == Document.Status.COMPLETED
                    && !d.id().equals(offered.id()) && d.uploadedBy() == Role.STATION);
            assertThat(second.device()).isEqualTo("document-camera");
            station.scanBarcode().get(10, TimeUnit.SECONDS);
            assertThat(a.await(ServerMessage.BarcodeScan.class).barcode().code()).isEqualTo("MRB-2026-000123");

            // A form to print: the station fetches it, checks it, prints it to its folder, and says so.
            byte[] form = GeneratedDocuments.pdf(List.of("Application for an outpatient medical record booklet"));
            ServerMessage.PrintResult result = agent.print(form, "form.pdf", 1, (x, y) -> { })
                    .get(30, TimeUnit.SECONDS);
            assertThat(result.status()).isEqualTo(PrintStatus.PRINTED);
            assertThat(s.await(Recorder.Printed.class).status()).isEqualTo(PrintStatus.PRINTED);
            try (var files = Files.list(printed)) {
                Path out = files.findFirst().orElseThrow();
                assertThat(Files.readAllBytes(out)).isEqualTo(form);
            }

            // Hang-up, then wrap-up ends by itself (1 s here).
            ServerMessage.CallEnded ended = station.hangUp().get(10, TimeUnit.SECONDS);
            assertThat(ended.reason()).isEqualTo(EndReason.COMPLETED);
            assertThat(a.await(ServerMessage.CallEnded.class).by()).isEqualTo(Role.STATION);
            a.await(ServerMessage.AgentStateChanged.class, st -> st.state() == AgentState.WRAP_UP);
            a.await(ServerMessage.AgentStateChanged.class, st -> st.state() == AgentState.AVAILABLE);

            await().atMost(Duration.ofSeconds(5)).until(() -> events(callId).contains("print.result"));
            assertThat(events(callId)).containsSubsequence("queued", "offered", "connected", "document.created",
                    "document.completed", "print.requested", "print.result", "ended");
            JsonNode end = system.callLog(callId).stream().filter(n -> n.path("event").asText().equals("ended"))
                    .findFirst().orElseThrow();
            assertThat(end.path("reason").asText()).isEqualTo("completed");
            assertThat(end.path("talkMs").asLong()).isPositive();
        }
    }

    @Test
    void aDocumentCanBeFollowedAsAStream() throws Exception {
        Recorder s = new Recorder();
        Recorder a = new Recorder();
        try (StationClient station = StationClient.start(system.options("st-chuansha-qizao", Role.STATION)
                .build(), Kit.NONE, s);
             AgentClient agent = AgentClient.start(system.options("ag-huinan-02", Role.AGENT).build(), a)) {
            a.await(ServerMessage.AgentStateChanged.class);
            agent.setState(AgentState.AVAILABLE).get(10, TimeUnit.SECONDS);
            station.requestCall("MR-002", false).get(10, TimeUnit.SECONDS);
            agent.accept(a.await(ServerMessage.CallOffer.class).callId()).get(10, TimeUnit.SECONDS);
            s.await(ServerMessage.CallConnected.class);

            byte[] png = GeneratedDocuments.png(800, 600, 7);
            var upload = station.upload(new io.doorstep.client.devices.Scan(png, "image/png", "page.png"), 1,
                    (x, y) -> { });
            Document offered = a.await(Document.class);
            try (InputStream in = agent.open(offered.id())) {
                assertThat(in.readAllBytes()).isEqualTo(png);
            }
            assertThat(upload.get(10, TimeUnit.SECONDS).mediaType()).isEqualTo("image/png");
            agent.hangUp().get(10, TimeUnit.SECONDS);
            assertThat(s.await(ServerMessage.CallEnded.class).by()).isEqualTo(Role.AGENT);
        }
    }

    /** Video decoded from the peer, on a relayed pair. */
    static boolean flowing(CallStats stats) {
        return stats != null && stats.connected() && stats.relayedBothEnds() && stats.framesDecoded() > 10;
    }

    private static List<String> events(String callId) {
        return system.callLog(callId).stream().map(n -> n.path("event").asText()).toList();
    }
}
