package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.client.devices.Kit;
import io.doorstep.client.media.TestPatternFeed;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Dropped connections, through a proxy that cuts the station's line as a village network does: the session is
 * resumed by itself, the call and its media go on, what was sent meanwhile arrives once; sign-in refusals stop the
 * client instead of looping; a request the server refuses fails its future with the server's code.
 */
class ReconnectTest extends WithSystem {
    @Test
    void theStationsConnectionIsCutMidCallAndTheCallAndItsMediaGoOn() throws Exception {
        Recorder s = new Recorder();
        Recorder a = new Recorder();
        try (CuttableProxy line = new CuttableProxy(system.signallingPort());
             TestPatternFeed stationCamera = new TestPatternFeed(320, 240, 15);
             TestPatternFeed agentCamera = new TestPatternFeed(320, 240, 15);
             StationClient station = StationClient.start(system.options(line.wsUri(), DoorstepSystem.STATION,
                     Role.STATION).build(), Kit.NONE, stationCamera, s);
             AgentClient agent = AgentClient.start(system.options(DoorstepSystem.AGENT, Role.AGENT)
                     .relayOnly(true).build(), agentCamera, a)) {
            String callId = DoorstepSystem.connectedCall(station, agent, a);
            await().atMost(Duration.ofSeconds(30)).until(() -> CallEndToEndTest.flowing(station.stats())
                    && CallEndToEndTest.flowing(agent.stats()));

            line.cut();
            s.await(Recorder.Lost.class);
            assertThat(s.await(Recorder.SignedIn.class).resumed()).isTrue();
            a.await(Recorder.PeerReconnecting.class, p -> p.callId().equals(callId));
            a.await(Recorder.PeerReconnected.class, p -> p.callId().equals(callId));

            // Media did not stop: both sides keep decoding the other's video after the cut.
            long stationFrames = station.stats().framesDecoded();
            long agentFrames = agent.stats().framesDecoded();
            await().atMost(Duration.ofSeconds(20)).until(() -> station.stats().framesDecoded() > stationFrames + 15
                    && agent.stats().framesDecoded() > agentFrames + 15);
            assertThat(station.stats().relayedBothEnds()).isTrue();

            // The call is the same call, and it ends normally.
            assertThat(station.callId()).isEqualTo(callId);
            assertThat(station.hangUp().get(10, TimeUnit.SECONDS).reason()).isEqualTo(EndReason.COMPLETED);
            assertThat(a.await(ServerMessage.CallEnded.class).callId()).isEqualTo(callId);
        }
    }

    @Test
    void messagesForAStationWhoseLineIsDownArriveOnceItResumes() throws Exception {
        Recorder s = new Recorder();
        Recorder a = new Recorder();
        try (CuttableProxy line = new CuttableProxy(system.signallingPort());
             StationClient station = StationClient.start(system.options(line.wsUri(), "st-chuansha-chunxin",
                     Role.STATION).build(), Kit.NONE, s);
             AgentClient agent = AgentClient.start(system.options("ag-huinan-02", Role.AGENT).build(), a)) {
            s.await(Recorder.SignedIn.class);
            String callId = DoorstepSystem.connectedCall(station, agent, a);
            line.cut();
            a.await(Recorder.PeerReconnecting.class);
            // Sent while the station is away: kept for it and replayed, each once.
            agent.hangUp().get(10, TimeUnit.SECONDS);
            ServerMessage.CallEnded ended = s.await(ServerMessage.CallEnded.class);
            assertThat(ended.callId()).isEqualTo(callId);
            assertThat(ended.by()).isEqualTo(Role.AGENT);
            assertThat(s.seen()).filteredOn(Recorder.SignedIn.class::isInstance).last()
                    .isEqualTo(new Recorder.SignedIn("st-chuansha-chunxin", true));
            assertThat(s.seen()).filteredOn(ServerMessage.CallEnded.class::isInstance).hasSize(1);
            assertThat(station.callId()).isNull();
        }
    }

    @Test
    void aServerThatForgotTheSessionGivesAFreshOneAndTheClientsStartAfresh() throws Exception {
        Recorder s = new Recorder();
        Recorder a = new Recorder();
        try (DoorstepSystem own = DoorstepSystem.start();
             StationClient station = StationClient.start(own.options(DoorstepSystem.STATION, Role.STATION).build(),
                     Kit.NONE, s);
             AgentClient agent = AgentClient.start(own.options(DoorstepSystem.AGENT, Role.AGENT).build(), a)) {
            s.await(Recorder.SignedIn.class);
            String callId = DoorstepSystem.connectedCall(station, agent, a);

            own.restartSignalling();
            // The drain ended the call; the new server knows no session: the resume is refused, a fresh one starts.
            assertThat(s.await(ServerMessage.CallEnded.class).callId()).isEqualTo(callId);
            assertThat(s.await(Recorder.SignedIn.class).resumed()).isFalse();
            assertThat(a.await(Recorder.SignedIn.class).resumed()).isFalse();
            assertThat(a.await(ServerMessage.AgentStateChanged.class).state()).isEqualTo(AgentState.AWAY);
            assertThat(station.callId()).isNull();

            // And the clients work as before.
            String next = DoorstepSystem.connectedCall(station, agent, a);
            assertThat(next).isNotEqualTo(callId);
            assertThat(agent.hangUp().get(10, TimeUnit.SECONDS).reason()).isEqualTo(EndReason.COMPLETED);
        }
    }

    @Test
    void aRefusedSignInStopsTheClientInsteadOfRetrying() {
        Recorder s = new Recorder();
        ClientOptions options = ClientOptions.builder(system.wsUri(), "not-a-token").build();
        try (StationClient station = StationClient.start(options, Kit.NONE, s)) {
            Recorder.Stopped stopped = s.await(Recorder.Stopped.class);
            assertThat(stopped.code()).isEqualTo(ErrorCode.TOKEN_INVALID);
            CompletableFuture<ServerMessage.CallQueued> request = station.requestCall("MR-001", false);
            assertThat(request).failsWithin(Duration.ofSeconds(1));
        }
    }

    @Test
    void aRequestTheServerRefusesFailsWithItsCode() throws Exception {
        Recorder s = new Recorder();
        try (StationClient station = StationClient.start(system.options("st-huinan-haishen", Role.STATION).build(),
                Kit.NONE, s)) {
            s.await(Recorder.SignedIn.class);
            assertThat(station.requestCall("XX-999", false)).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .havingCause().isInstanceOfSatisfying(DoorstepException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_SERVICE_ITEM));
        }
    }

    @Test
    void aServerThatCannotBeReachedIsRetriedUntilItIs() throws Exception {
        Recorder s = new Recorder();
        int port = DoorstepSystem.freePort();
        ClientOptions options = system.options(java.net.URI.create("ws://127.0.0.1:" + port + "/ws"),
                "st-huinan-yuandong", Role.STATION).build();
        try (StationClient station = StationClient.start(options, Kit.NONE, s)) {
            s.await(Recorder.Lost.class);
            s.await(Recorder.Lost.class); // and again, with backoff
            try (CuttableProxy late = new CuttableProxy(port, system.signallingPort())) {
                assertThat(s.await(Recorder.SignedIn.class).resumed()).isFalse();
            }
        }
    }
}
