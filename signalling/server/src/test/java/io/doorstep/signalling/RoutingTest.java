package io.doorstep.signalling;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Routing over real connections: ring timeout, reject, cancel, priority, skills, longest idle, estimates. */
class RoutingTest {
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(Map.of("DOORSTEP_ROUTING_RING_TIMEOUT", "400ms"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String request(WsClient station, String item, boolean priority) {
        String id = station.nextId();
        station.send(new ClientMessage.CallRequest(id, item, priority));
        return station.await(ServerMessage.CallQueued.class, m -> id.equals(m.re())).callId();
    }

    @Test
    void unansweredOfferGoesToTheNextAgentAndTheSilentAgentIsSetAway() {
        try (WsClient first = server.availableAgent("ag-mi-01");
             WsClient second = server.availableAgent("ag-mi-02");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = request(station, "MI-002", false);
            assertThat(first.await(ServerMessage.CallOffer.class).callId()).isEqualTo(callId);

            ServerMessage.OfferWithdrawn withdrawn = first.await(ServerMessage.OfferWithdrawn.class);
            assertThat(withdrawn.cause()).isEqualTo("RING_TIMEOUT");
            ServerMessage.AgentStateChanged away = first.await(ServerMessage.AgentStateChanged.class,
                    m -> m.state() == AgentState.AWAY);
            assertThat(away.cause()).isEqualTo("RING_TIMEOUT");
            assertThat(second.await(ServerMessage.CallOffer.class).callId()).isEqualTo(callId);
            // Still first in line, ringing again at the next agent.
            ServerMessage.CallQueued q = station.await(ServerMessage.CallQueued.class,
                    m -> m.ringing() && m.position() == 1);
            assertThat(q.callId()).isEqualTo(callId);

            second.send(new ClientMessage.CallAccept(null, callId));
            station.await(ServerMessage.CallConnected.class);
            assertThat(server.callLog(callId)).extracting(n -> n.get("event").asText())
                    .containsExactly("queued", "offered", "ring_timeout", "offered", "connected");
        }
    }

    @Test
    void rejectedCallIsReofferedThenEndsWhenEverySkilledAgentRejected() {
        try (WsClient first = server.availableAgent("ag-mi-01");
             WsClient second = server.availableAgent("ag-mi-02");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = request(station, "MI-003", false);
            first.await(ServerMessage.CallOffer.class);
            first.send(new ClientMessage.CallReject("rj-1", callId, "busy with paperwork"));
            assertThat(first.await(ServerMessage.Ok.class).re()).isEqualTo("rj-1");
            assertThat(second.await(ServerMessage.CallOffer.class).callId()).isEqualTo(callId);
            assertThat(first.drain(Duration.ofMillis(200))).as("not offered the same call again")
                    .noneMatch(m -> m instanceof ServerMessage.CallOffer);

            second.send(new ClientMessage.CallReject(null, callId, null));
            ServerMessage.CallEnded ended = station.await(ServerMessage.CallEnded.class);
            assertThat(ended.reason()).isEqualTo(EndReason.REJECTED_BY_ALL);
            assertThat(server.callLog(callId).get(server.callLog(callId).size() - 1).get("reason").asText())
                    .isEqualTo("rejected_by_all");
        }
    }

    @Test
    void stationCancelsWhileQueuedAndWhileRinging() {
        try (WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String queued = request(station, "MI-001", false);
            station.send(new ClientMessage.CallCancel("c-1", queued));
            ServerMessage.CallEnded ended = station.await(ServerMessage.CallEnded.class);
            assertThat(ended.re()).isEqualTo("c-1");
            assertThat(ended.reason()).isEqualTo(EndReason.CANCELLED);

            try (WsClient agent = server.availableAgent("ag-mi-01")) {
                String ringing = request(station, "MI-001", false);
                agent.await(ServerMessage.CallOffer.class);
                station.send(new ClientMessage.CallCancel(null, ringing));
                assertThat(agent.await(ServerMessage.OfferWithdrawn.class).cause()).isEqualTo("CANCELLED");
                agent.await(ServerMessage.AgentStateChanged.class, m -> m.state() == AgentState.AVAILABLE);
                // The agent is free for the next call at once.
                String next = request(station, "MI-001", false);
                assertThat(agent.await(ServerMessage.CallOffer.class).callId()).isEqualTo(next);
            }
        }
    }

    @Test
    void priorityCallsGoAheadOfNormalOnes() {
        try (WsClient s1 = server.signIn("st-test-01", Role.STATION);
             WsClient s2 = server.signIn("st-test-02", Role.STATION);
             WsClient s3 = server.signIn("st-test-03", Role.STATION)) {
            request(s1, "MI-001", false);
            request(s2, "MI-001", false);
            ServerMessage.CallQueued elderly = null;
            s3.send(new ClientMessage.CallRequest("p", "MI-001", true));
            elderly = s3.await(ServerMessage.CallQueued.class);
            assertThat(elderly.priority()).isTrue();
            assertThat(elderly.position()).isEqualTo(1);
            assertThat(s1.await(ServerMessage.CallQueued.class).position()).isEqualTo(2);
            assertThat(s2.await(ServerMessage.CallQueued.class).position()).isEqualTo(3);

            try (WsClient agent = server.availableAgent("ag-mi-01")) {
                assertThat(agent.await(ServerMessage.CallOffer.class).callId()).isEqualTo(elderly.callId());
            }
        }
    }

    @Test
    void callsGoOnlyToAgentsWithTheSkill() {
        try (WsClient pensions = server.availableAgent("ag-pe-01");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = request(station, "MI-001", false);
            pensions.expectNothing(Duration.ofMillis(300));
            try (WsClient multi = server.availableAgent("ag-multi")) {
                assertThat(multi.await(ServerMessage.CallOffer.class).callId()).isEqualTo(callId);
            }
        }
    }

    @Test
    void longestIdleAgentGetsTheCall() throws Exception {
        try (WsClient idleLonger = server.availableAgent("ag-mi-01")) {
            Thread.sleep(20);
            try (WsClient idleShorter = server.availableAgent("ag-mi-02");
                 WsClient a = server.signIn("st-test-02", Role.STATION);
                 WsClient b = server.signIn("st-test-03", Role.STATION)) {
                String first = request(a, "MI-001", false);
                assertThat(idleLonger.await(ServerMessage.CallOffer.class).callId()).isEqualTo(first);
                String second = request(b, "MI-001", false);
                assertThat(idleShorter.await(ServerMessage.CallOffer.class).callId()).isEqualTo(second);
            }
        }
    }

    @Test
    void estimateComesFromStaffedAgentsAndChangesAreSent() {
        try (WsClient agent = server.availableAgent("ag-mi-01");
             WsClient s1 = server.signIn("st-test-01", Role.STATION);
             WsClient s2 = server.signIn("st-test-02", Role.STATION)) {
            String busyCall = request(s1, "MI-001", false);
            agent.send(new ClientMessage.CallAccept(null, agent.await(ServerMessage.CallOffer.class).callId()));
            s1.await(ServerMessage.CallConnected.class);

            s2.send(new ClientMessage.CallRequest(null, "MI-001", false));
            ServerMessage.CallQueued waiting = s2.await(ServerMessage.CallQueued.class);
            assertThat(waiting.position()).isEqualTo(1);
            assertThat(waiting.estimatedWaitSeconds()).as("one busy agent: about half a handling time")
                    .isPositive();

            // The only agent goes away: nobody on duty, the estimate becomes unknown.
            s1.send(new ClientMessage.CallHangup(null, busyCall, null));
            agent.await(ServerMessage.AgentStateChanged.class, m -> m.state() == AgentState.WRAP_UP);
            agent.send(new ClientMessage.SetAgentState(null, AgentState.AWAY));
            assertThat(s2.await(ServerMessage.CallQueued.class, m -> m.estimatedWaitSeconds() == null)
                    .position()).isEqualTo(1);
        }
    }
}
