package io.doorstep.signalling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.doorstep.documents.DocumentPermission;
import io.doorstep.documents.DocumentRole;
import io.doorstep.documents.DocumentToken;
import io.doorstep.documents.DocumentTokens;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.Media;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A whole call over real WebSockets: request, queue, offer, accept, SDP/ICE, devices, hang-up, call log. */
class CallFlowTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("DOORSTEP_ROUTING_WRAP_UP", "300ms"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void fullCallFromRequestToCallLog() throws Exception {
        try (WsClient agent = server.signIn("ag-mi-01", Role.AGENT);
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            ServerMessage.Welcome welcome = station.welcome();
            assertThat(welcome.identity().role()).isEqualTo(Role.STATION);
            assertThat(welcome.heartbeat().intervalMs()).isPositive();
            assertThat(welcome.heartbeat().timeoutMs()).isGreaterThan(welcome.heartbeat().intervalMs());
            assertThat(agent.expect(ServerMessage.AgentStateChanged.class).state()).isEqualTo(AgentState.AWAY);

            // No agent on duty: the call waits, with an unknown estimate.
            station.send(new ClientMessage.CallRequest("req-1", "MI-001", false));
            ServerMessage.CallQueued queued = station.expect(ServerMessage.CallQueued.class);
            assertThat(queued.re()).isEqualTo("req-1");
            assertThat(queued.position()).isEqualTo(1);
            assertThat(queued.estimatedWaitSeconds()).isNull();
            assertThat(queued.serviceItem().skillGroup()).isEqualTo("medical-insurance");
            String callId = queued.callId();

            // The agent becomes available: the call is offered to it and the station sees it ringing.
            agent.send(new ClientMessage.SetAgentState("s-1", AgentState.AVAILABLE));
            assertThat(agent.expect(ServerMessage.AgentStateChanged.class).re()).isEqualTo("s-1");
            ServerMessage.CallOffer offer = agent.await(ServerMessage.CallOffer.class);
            assertThat(offer.callId()).isEqualTo(callId);
            assertThat(offer.station().id()).isEqualTo("st-test-01");
            assertThat(offer.station().village()).isEqualTo("测试一村");
            assertThat(offer.serviceItem().code()).isEqualTo("MI-001");
            station.await(ServerMessage.CallQueued.class, ServerMessage.CallQueued::ringing);

            agent.send(new ClientMessage.CallAccept("acc-1", callId));
            ServerMessage.CallConnected agentSide = agent.await(ServerMessage.CallConnected.class);
            ServerMessage.CallConnected stationSide = station.await(ServerMessage.CallConnected.class);
            assertThat(agentSide.re()).isEqualTo("acc-1");
            assertThat(stationSide.initiator()).isTrue();
            assertThat(agentSide.initiator()).isFalse();
            assertThat(stationSide.peer().id()).isEqualTo("ag-mi-01");
            assertThat(agentSide.peer().id()).isEqualTo("st-test-01");
            assertThat(stationSide.iceTransportPolicy()).isEqualTo("relay");
            assertTurnCredentials(stationSide.iceServers(), callId, "station");
            assertTurnCredentials(agentSide.iceServers(), callId, "agent");
            assertDocumentAccess(station.expect(ServerMessage.DocumentsAccess.class), callId, "st-test-01",
                    DocumentRole.STATION);
            assertDocumentAccess(agent.expect(ServerMessage.DocumentsAccess.class), callId, "ag-mi-01",
                    DocumentRole.AGENT);

            // SDP offer/answer and ICE candidates pass between the two parties only.
            station.send(new ClientMessage.Sdp(null, callId, new Media.SessionDescription("offer", "v=0 offer")));
            assertThat(agent.expect(ServerMessage.Sdp.class).description().sdp()).isEqualTo("v=0 offer");
            agent.send(new ClientMessage.Sdp("sdp-2", callId, new Media.SessionDescription("answer", "v=0 answer")));
            assertThat(agent.expect(ServerMessage.Ok.class).re()).isEqualTo("sdp-2");
            assertThat(station.expect(ServerMessage.Sdp.class).description().type()).isEqualTo("answer");
            Media.IceCandidate candidate = new Media.IceCandidate(
                    "candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host", "0", 0, null);
            station.send(new ClientMessage.Ice(null, callId, candidate));
            assertThat(agent.expect(ServerMessage.Ice.class).candidate()).isEqualTo(candidate);
            agent.send(new ClientMessage.Ice(null, callId, new Media.IceCandidate("", "0", 0, null)));
            assertThat(station.expect(ServerMessage.Ice.class).candidate().candidate()).isEmpty();

            // The kit: ID card and barcode to the agent (print jobs: DocumentRelayTest).
            Devices.IdCard card = new Devices.IdCard("张三", "310115195001011234", "男", "汉", "1950-01-01",
                    "上海市浦东新区川沙新镇", "浦东分局", "2015-01-01", "长期", null);
            station.send(new ClientMessage.IdCardRead(null, callId, card));
            assertThat(agent.expect(ServerMessage.IdCardRead.class).card()).isEqualTo(card);
            station.send(new ClientMessage.BarcodeScan(null, callId, new Devices.Barcode("MRB-2026-000123", "qr")));
            assertThat(agent.expect(ServerMessage.BarcodeScan.class).barcode().code()).isEqualTo("MRB-2026-000123");

            // The station hangs up: both learn it ended, completed, by the station; the agent wraps up.
            station.send(new ClientMessage.CallHangup("bye-1", callId, null));
            ServerMessage.CallEnded endedStation = station.expect(ServerMessage.CallEnded.class);
            assertThat(endedStation.re()).isEqualTo("bye-1");
            assertThat(endedStation.reason()).isEqualTo(EndReason.COMPLETED);
            ServerMessage.CallEnded endedAgent = agent.expect(ServerMessage.CallEnded.class);
            assertThat(endedAgent.by()).isEqualTo(Role.STATION);
            ServerMessage.AgentStateChanged wrapUp = agent.expect(ServerMessage.AgentStateChanged.class);
            assertThat(wrapUp.state()).isEqualTo(AgentState.WRAP_UP);
            assertThat(wrapUp.wrapUpEndsAt()).isNotNull();
            ServerMessage.AgentStateChanged back = agent.expect(ServerMessage.AgentStateChanged.class);
            assertThat(back.state()).isEqualTo(AgentState.AVAILABLE);
            assertThat(back.cause()).isEqualTo("WRAP_UP_ENDED");

            List<JsonNode> log = server.callLog(callId);
            assertThat(log).extracting(n -> n.get("event").asText())
                    .containsExactly("queued", "offered", "connected", "ended");
            JsonNode ended = log.get(3);
            assertThat(ended.get("reason").asText()).isEqualTo("completed");
            assertThat(ended.get("agentId").asText()).isEqualTo("ag-mi-01");
            assertThat(ended.get("queueWaitMs").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(ended.get("answerMs").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(ended.get("talkMs").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(log.toString()).as("no personal data in the call log")
                    .doesNotContain("310115195001011234").doesNotContain("张三");
        }
    }

    @Test
    void agentEndsWrapUpEarlyAndHangsUpWithMediaFailure() {
        try (WsClient agent = server.availableAgent("ag-pe-01");
             WsClient station = server.signIn("st-test-02", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "PE-001");
            agent.send(new ClientMessage.CallHangup(null, callId, ClientMessage.CallHangup.MEDIA_FAILED));
            ServerMessage.CallEnded ended = station.await(ServerMessage.CallEnded.class);
            assertThat(ended.reason()).isEqualTo(EndReason.FAILED);
            assertThat(ended.cause()).isEqualTo("MEDIA_FAILED");
            assertThat(ended.by()).isEqualTo(Role.AGENT);
            agent.await(ServerMessage.AgentStateChanged.class, m -> m.state() == AgentState.WRAP_UP);
            agent.setAvailable(); // ends wrap-up before its timer
            agent.expectNothing(Duration.ofMillis(500));
        }
    }

    private static void assertTurnCredentials(List<Media.IceServer> servers, String callId, String role)
            throws Exception {
        Media.IceServer turn = servers.stream().filter(s -> s.urls().get(0).startsWith("turn:")).findFirst()
                .orElseThrow();
        String[] parts = turn.username().split(":");
        assertThat(parts).hasSize(3);
        assertThat(parts[1]).isEqualTo(callId);
        assertThat(parts[2]).isEqualTo(role);
        long expiry = Long.parseLong(parts[0]);
        assertThat(expiry).isGreaterThan(System.currentTimeMillis() / 1000 + Duration.ofMinutes(30).toSeconds());
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec("turn-secret-for-tests-0123456789abcdef".getBytes(StandardCharsets.UTF_8),
                "HmacSHA1"));
        String expected = Base64.getEncoder().encodeToString(
                mac.doFinal(turn.username().getBytes(StandardCharsets.UTF_8)));
        assertThat(turn.credential()).isEqualTo(expected);
    }

    /** The party's document token is for this call and role, upload and read, and verifies with the shared secret. */
    private static void assertDocumentAccess(ServerMessage.DocumentsAccess access, String callId, String subject,
                                             DocumentRole role) throws Exception {
        assertThat(access.callId()).isEqualTo(callId);
        assertThat(access.url()).isEqualTo("http://127.0.0.1:8642/files/");
        byte[] secret = Files.readString(server.dataDir().resolve("document-secret")).trim()
                .getBytes(StandardCharsets.UTF_8);
        DocumentToken token = new DocumentTokens(secret, Clock.systemUTC()).verify(access.token());
        assertThat(token).isEqualTo(new DocumentToken(subject, callId, role,
                Set.of(DocumentPermission.UPLOAD, DocumentPermission.READ), Instant.ofEpochMilli(access.expiresAt())));
        assertThat(access.expiresAt() - System.currentTimeMillis()).isBetween(29 * 60_000L, 30 * 60_000L);
    }
}
