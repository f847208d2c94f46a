package io.doorstep.signalling.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * call.stats over real WebSockets: both parties of a connected call report, the peer hears nothing of it, the
 * operators' /metrics has the aggregates by role and candidate type; reports too soon, with impossible values, for
 * another's call or from an operator are refused with a clear error and not counted.
 */
class CallStatsTest {
    private static final Duration QUIET = Duration.ofMillis(300);
    private TestServer server;

    /** A server per test, so one test's agents (still in their resume grace) take no call of another's. */
    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(Map.of("DOORSTEP_ROUTING_WRAP_UP", "0s"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static ClientMessage.CallStats report(String id, String callId, String candidateType) {
        return new ClientMessage.CallStats(id, callId, 48.0, 6.5, 3L, 0.004, 820.0, 790.0, 450L, candidateType,
                "relay".equals(candidateType) ? "udp" : null);
    }

    @Test
    void bothPartiesReportAndOperatorsSeeAggregates() throws Exception {
        try (WsClient agent = server.availableAgent("ag-mi-01");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            station.send(report("q-1", callId, "relay"));
            assertThat(station.expect(ServerMessage.Ok.class).re()).isEqualTo("q-1");
            agent.send(report("q-2", callId, "srflx"));
            assertThat(agent.expect(ServerMessage.Ok.class).re()).isEqualTo("q-2");
            // A report without an id is silent on success, and never reaches the peer.
            station.send(report(null, callId, "relay"));
            ServerMessage.Error tooSoon = station.expect(ServerMessage.Error.class);
            assertThat(tooSoon.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            assertThat(tooSoon.message()).contains("once every 5 s");
            agent.expectNothing(QUIET);

            String scrape = server.metrics();
            assertThat(scrape)
                    .contains("doorstep_call_quality_reports_total{candidate_type=\"relay\",role=\"station\"} 1.0")
                    .contains("doorstep_call_quality_reports_total{candidate_type=\"srflx\",role=\"agent\"} 1.0")
                    .contains("doorstep_call_rtt_seconds_bucket{candidate_type=\"relay\",role=\"station\",le=\"0.05\"} 1")
                    .contains("doorstep_call_rtt_seconds_bucket{candidate_type=\"relay\",role=\"station\",le=\"0.025\"} 0")
                    .contains("doorstep_call_jitter_seconds_count{candidate_type=\"srflx\",role=\"agent\"} 1")
                    .contains("doorstep_call_loss_percent_bucket{candidate_type=\"relay\",role=\"station\",le=\"1.0\"} 1")
                    .contains("doorstep_call_bitrate_bytes_per_second_sum{candidate_type=\"relay\",direction=\"in\","
                            + "role=\"station\"} 102500.0")
                    .contains("doorstep_call_video_stalled_total{candidate_type=\"relay\",role=\"station\"} 0.0")
                    .doesNotContain(callId);
            station.send(new ClientMessage.CallHangup(null, callId, null));
            station.await(ServerMessage.CallEnded.class);
            agent.await(ServerMessage.CallEnded.class);
        }
    }

    @Test
    void impossibleValuesAreRefusedWithTheFieldNamed() {
        try (WsClient station = server.signIn("st-test-02", Role.STATION)) {
            station.sendRaw("{\"type\":\"call.stats\",\"id\":\"bad-1\",\"callId\":\"c-x\",\"fractionLost\":3}");
            ServerMessage.Error e = station.expect(ServerMessage.Error.class);
            assertThat(e.re()).isEqualTo("bad-1");
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
            assertThat(e.message()).isEqualTo("field 'fractionLost' must be between 0 and 1");
            station.sendRaw("{\"type\":\"call.stats\",\"id\":\"bad-2\",\"callId\":\"c-x\",\"candidateType\":\"lan\"}");
            assertThat(station.expect(ServerMessage.Error.class).message())
                    .isEqualTo("field 'candidateType' must be one of host, srflx, prflx, relay");
        }
    }

    @Test
    void onlyThePartiesOfAConnectedCallMayReport() {
        try (WsClient agent = server.availableAgent("ag-mi-02");
             WsClient station = server.signIn("st-test-03", Role.STATION);
             WsClient stranger = server.signIn("st-test-04", Role.STATION);
             WsClient operator = server.signIn("op-test-01", Role.OPERATOR)) {
            station.send(new ClientMessage.CallRequest(null, "MI-001", false));
            String callId = station.await(ServerMessage.CallQueued.class).callId();
            station.send(report("early", callId, null));
            assertThat(station.await(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.INVALID_STATE);
            agent.await(ServerMessage.CallOffer.class);
            agent.send(new ClientMessage.CallAccept(null, callId));
            agent.await(ServerMessage.CallConnected.class);

            stranger.send(report("nosy", callId, "relay"));
            assertThat(stranger.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.NOT_IN_CALL);
            operator.send(report("op", callId, "relay"));
            assertThat(operator.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
            station.send(new ClientMessage.CallHangup(null, callId, null));
            station.await(ServerMessage.CallEnded.class);
        }
    }
}
