package io.doorstep.signalling;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A stopping server tells its clients what to do, takes no new work, and lets calls in progress finish. */
class DrainTest {

    @Test
    void drainLetsTheCallFinishAndSendsIdleClientsAway() throws Exception {
        TestServer server = TestServer.start(Map.of("DOORSTEP_SHUTDOWN_DRAIN_TIMEOUT", "10s",
                "DOORSTEP_SHUTDOWN_RECONNECT_AFTER", "3s"));
        WsClient agent = server.availableAgent("ag-mi-01");
        WsClient station = server.signIn("st-test-01", Role.STATION);
        WsClient idle = server.signIn("st-test-02", Role.STATION);
        String callId = TestServer.connectedCall(station, agent, "MI-001");

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::close);

        ServerMessage.ServerShutdown toIdle = idle.await(ServerMessage.ServerShutdown.class);
        assertThat(toIdle.action()).isEqualTo("reconnect");
        assertThat(toIdle.reconnectAfterMs()).isEqualTo(3000);
        assertThat(idle.awaitClose()).isEqualTo(1012);
        assertThat(station.await(ServerMessage.ServerShutdown.class).action()).isEqualTo("finish_call");
        assertThat(agent.await(ServerMessage.ServerShutdown.class).action()).isEqualTo("finish_call");

        HttpResponse<String> ready = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.httpUri("/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(503);
        try (WsClient late = server.connect()) {
            late.send(new ClientMessage.Hello("h", server.token("st-test-03", Role.STATION), null));
            ServerMessage.Error refused = late.expect(ServerMessage.Error.class);
            assertThat(refused.code()).isEqualTo(ErrorCode.SERVER_DRAINING);
        }

        // A party that drops during the drain may still resume to finish its call.
        station.drop();
        agent.await(ServerMessage.PeerReconnecting.class);
        WsClient back = server.connect();
        assertThat(back.hello(server.token("st-test-01", Role.STATION), new ClientMessage.Resume(
                station.welcome().sessionId(), station.lastSeq())).resumed()).isTrue();
        station = back;

        // The call in progress is still carried and may finish.
        station.send(new ClientMessage.CallHangup(null, callId, null));
        assertThat(agent.await(ServerMessage.CallEnded.class).reason()).isEqualTo(EndReason.COMPLETED);
        stopped.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(station.awaitClose()).isEqualTo(1012);
        assertThat(server.callLog(callId)).last().satisfies(n ->
                assertThat(n.path("reason").asText()).isEqualTo("completed"));
    }

    @Test
    void callsStillRunningAtTheDeadlineEndAsFailed() throws Exception {
        TestServer server = TestServer.start(Map.of("DOORSTEP_SHUTDOWN_DRAIN_TIMEOUT", "300ms"));
        WsClient agent = server.availableAgent("ag-mi-01");
        WsClient station = server.signIn("st-test-01", Role.STATION);
        String callId = TestServer.connectedCall(station, agent, "MI-001");

        server.close();
        ServerMessage.CallEnded ended = station.await(ServerMessage.CallEnded.class);
        assertThat(ended.reason()).isEqualTo(EndReason.FAILED);
        assertThat(ended.cause()).isEqualTo("SERVER_SHUTDOWN");
        Awaitility.await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(server.callLog(callId)).last().satisfies(n ->
                        assertThat(n.path("cause").asText()).isEqualTo("SERVER_SHUTDOWN")));
    }
}
