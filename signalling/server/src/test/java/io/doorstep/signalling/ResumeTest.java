package io.doorstep.signalling;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.Media;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Weak networks: drops, resume with replay, the grace period, heartbeats. */
class ResumeTest {
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(Map.of(
                "DOORSTEP_SESSION_RESUME_GRACE", "1s",
                "DOORSTEP_SESSION_HEARTBEAT_INTERVAL", "200ms",
                "DOORSTEP_SESSION_HEARTBEAT_TIMEOUT", "1500ms"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private WsClient resume(WsClient dropped, String id, Role role) {
        WsClient c = server.connect();
        ServerMessage.Welcome w = c.hello(server.token(id, role),
                new ClientMessage.Resume(dropped.welcome().sessionId(), dropped.lastSeq()));
        assertThat(w.resumed()).isTrue();
        assertThat(w.sessionId()).isEqualTo(dropped.welcome().sessionId());
        return c;
    }

    /** Keeps a client's heartbeat going while a test waits on something else. */
    private static void ping(WsClient... clients) {
        for (WsClient c : clients) {
            c.send(new ClientMessage.Ping(null, c.lastSeq()));
        }
    }

    @Test
    void queuedCallKeepsItsPlaceAndMissedMessagesAreReplayed() {
        WsClient station = server.signIn("st-test-01", Role.STATION);
        station.send(new ClientMessage.CallRequest(null, "MI-001", false));
        String callId = station.expect(ServerMessage.CallQueued.class).callId();
        station.drop();

        try (WsClient agent = server.availableAgent("ag-mi-01")) {
            assertThat(agent.await(ServerMessage.CallOffer.class).callId()).isEqualTo(callId);
            try (WsClient back = resume(station, "st-test-01", Role.STATION)) {
                // What happened while it was away arrives in order (the client checks seq continuity).
                ServerMessage.CallQueued replayed = back.await(ServerMessage.CallQueued.class,
                        ServerMessage.CallQueued::ringing);
                assertThat(replayed.callId()).isEqualTo(callId);
                agent.send(new ClientMessage.CallAccept(null, callId));
                assertThat(back.await(ServerMessage.CallConnected.class).callId()).isEqualTo(callId);
            }
        }
    }

    @Test
    void connectedCallSurvivesADropAndThePeerIsTold() {
        try (WsClient agent = server.availableAgent("ag-mi-01")) {
            WsClient station = server.signIn("st-test-01", Role.STATION);
            String callId = TestServer.connectedCall(station, agent, "MI-001");

            station.drop();
            ServerMessage.PeerReconnecting reconnecting = agent.await(ServerMessage.PeerReconnecting.class);
            assertThat(reconnecting.callId()).isEqualTo(callId);
            assertThat(reconnecting.graceMs()).isEqualTo(1000);
            // The agent's SDP while the station is away is kept and replayed.
            agent.send(new ClientMessage.Sdp(null, callId, new Media.SessionDescription("offer", "v=0 restart")));

            try (WsClient back = resume(station, "st-test-01", Role.STATION)) {
                assertThat(agent.await(ServerMessage.PeerReconnected.class).callId()).isEqualTo(callId);
                assertThat(back.await(ServerMessage.Sdp.class).description().sdp()).isEqualTo("v=0 restart");
                back.send(new ClientMessage.CallHangup(null, callId, null));
                assertThat(agent.await(ServerMessage.CallEnded.class).reason()).isEqualTo(EndReason.COMPLETED);
            }
        }
    }

    @Test
    void afterTheGracePeriodTheCallEndsAndResumeIsRefusedExplicitly() throws Exception {
        try (WsClient agent = server.availableAgent("ag-mi-01")) {
            WsClient station = server.signIn("st-test-01", Role.STATION);
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            station.drop();
            agent.await(ServerMessage.PeerReconnecting.class);
            ping(agent);
            Thread.sleep(500);
            ping(agent);

            ServerMessage.CallEnded ended = agent.await(ServerMessage.CallEnded.class);
            assertThat(ended.reason()).isEqualTo(EndReason.FAILED);
            assertThat(ended.cause()).isEqualTo("STATION_LOST");

            try (WsClient late = server.connect()) {
                ServerMessage.Welcome w = late.hello(server.token("st-test-01", Role.STATION),
                        new ClientMessage.Resume(station.welcome().sessionId(), station.lastSeq()));
                assertThat(w.resumed()).isFalse();
                assertThat(w.resumeError()).isEqualTo("SESSION_NOT_FOUND");
                assertThat(w.sessionId()).isNotEqualTo(station.welcome().sessionId());
            }
            assertThat(server.callLog(callId).get(server.callLog(callId).size() - 1).get("cause").asText())
                    .isEqualTo("STATION_LOST");
        }
    }

    @Test
    void queuedCallIsAbandonedWhenTheStationNeverComesBack() {
        WsClient station = server.signIn("st-test-02", Role.STATION);
        station.send(new ClientMessage.CallRequest(null, "PE-001", false));
        String callId = station.expect(ServerMessage.CallQueued.class).callId();
        station.drop();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(server.callLog(callId)).last()
                        .satisfies(n -> assertThat(n.path("reason").asText()).isEqualTo("abandoned")));
    }

    @Test
    void offerToAnAgentThatDropsGoesToTheNextAgentAtOnce() {
        try (WsClient other = server.availableAgent("ag-mi-02")) {
            WsClient first = server.availableAgent("ag-mi-01");
            // ag-mi-02 became available first, so it has idled longest and gets the offer.
            try (WsClient station = server.signIn("st-test-01", Role.STATION)) {
                station.send(new ClientMessage.CallRequest(null, "MI-001", false));
                String callId = station.expect(ServerMessage.CallQueued.class).callId();
                assertThat(other.await(ServerMessage.CallOffer.class).callId()).isEqualTo(callId);
                other.drop();
                assertThat(first.await(ServerMessage.CallOffer.class).callId()).isEqualTo(callId);
                assertThat(server.callLog(callId)).extracting(n -> n.get("event").asText())
                        .containsExactly("queued", "offered", "offer_lost", "offered");
            } finally {
                first.close();
            }
        }
    }

    @Test
    void anIdleHttpKeepAliveConnectionIsClosedCleanly() throws Exception {
        java.net.URI health = server.httpUri("/health");
        try (java.net.Socket http = new java.net.Socket(health.getHost(), health.getPort())) {
            http.setSoTimeout(5_000);
            http.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: " + health.getAuthority()
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = http.getInputStream();
            String head = new String(in.readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 200");

            byte[] rest = in.readAllBytes(); // the rest of the answer, then the end of the stream after the idle time

            assertThat(new String(rest, java.nio.charset.StandardCharsets.US_ASCII)).as("no WebSocket frame after "
                    + "the HTTP answer").doesNotContain("heartbeat").endsWith("}");
        }
    }

    @Test
    void silentConnectionIsDroppedByTheHeartbeatWhileAPingingOneStays() throws Exception {
        try (WsClient silent = server.signIn("st-test-01", Role.STATION);
             WsClient lively = server.signIn("st-test-02", Role.STATION)) {
            long until = System.nanoTime() + Duration.ofMillis(3000).toNanos();
            while (System.nanoTime() < until && !silent.isClosed()) {
                lively.send(new ClientMessage.Ping(lively.nextId(), lively.lastSeq()));
                Thread.sleep(100);
            }
            assertThat(silent.isClosed()).as("silent for longer than the heartbeat timeout").isTrue();
            assertThat(lively.isClosed()).isFalse();
            List<ServerMessage> pongs = lively.drain(Duration.ofMillis(100));
            assertThat(pongs).allMatch(m -> m instanceof ServerMessage.Pong);
        }
    }

    @Test
    void resumeOfAnotherIdentitysSessionIsRefused() {
        try (WsClient station = server.signIn("st-test-01", Role.STATION);
             WsClient thief = server.connect()) {
            ServerMessage.Welcome w = thief.hello(server.token("st-test-02", Role.STATION),
                    new ClientMessage.Resume(station.welcome().sessionId(), 0));
            assertThat(w.resumed()).isFalse();
            assertThat(w.resumeError()).isEqualTo("IDENTITY_MISMATCH");
            assertThat(w.identity().id()).isEqualTo("st-test-02");
        }
    }

    @Test
    void freshSignInDuringACallResendsTheCallAndTellsThePeerToRenegotiate() {
        try (WsClient station = server.signIn("st-test-01", Role.STATION)) {
            WsClient agent = server.availableAgent("ag-mi-01");
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            try (WsClient again = server.signIn("ag-mi-01", Role.AGENT)) { // e.g. the console was restarted
                assertThat(agent.await(ServerMessage.SessionReplaced.class)).isNotNull();
                assertThat(again.await(ServerMessage.CallConnected.class).callId()).isEqualTo(callId);
                assertThat(station.await(ServerMessage.PeerReconnected.class).callId()).isEqualTo(callId);
            } finally {
                agent.close();
            }
        }
    }

    @Test
    void agentAcceptingACallWhoseStationIsAwayIsToldItIsReconnecting() {
        WsClient station = server.signIn("st-test-01", Role.STATION);
        station.send(new ClientMessage.CallRequest(null, "MI-001", false));
        String callId = station.expect(ServerMessage.CallQueued.class).callId();
        station.drop();
        try (WsClient agent = server.availableAgent("ag-mi-01")) {
            agent.send(new ClientMessage.CallAccept(null, agent.await(ServerMessage.CallOffer.class).callId()));
            assertThat(agent.await(ServerMessage.CallConnected.class).callId()).isEqualTo(callId);
            ServerMessage.PeerReconnecting reconnecting = agent.await(ServerMessage.PeerReconnecting.class);
            assertThat(reconnecting.callId()).isEqualTo(callId);
            assertThat(reconnecting.graceMs()).as("what is left of the station's grace, not all of it")
                    .isPositive().isLessThan(1000);
            try (WsClient back = resume(station, "st-test-01", Role.STATION)) {
                assertThat(back.await(ServerMessage.CallConnected.class).callId()).isEqualTo(callId);
                assertThat(agent.await(ServerMessage.PeerReconnected.class).callId()).isEqualTo(callId);
            }
        }
    }
}
