package io.doorstep.signalling.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Document tokens are re-issued to both parties before they expire, and no more once the call has ended. */
class DocumentTokenRefreshTest {
    @Test
    void bothPartiesGetFreshTokensWhileTheCallLasts() throws Exception {
        try (TestServer server = TestServer.start(Map.of("DOORSTEP_DOCUMENTS_TOKEN_TTL", "2s"));
             WsClient agent = server.availableAgent("ag-mi-01");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            long connectedAt = System.currentTimeMillis();

            for (WsClient party : List.of(station, agent)) {
                ServerMessage.DocumentsAccess fresh = party.await(ServerMessage.DocumentsAccess.class);
                assertThat(fresh.callId()).isEqualTo(callId);
                assertThat(fresh.re()).isNull();
                assertThat(fresh.expiresAt()).isGreaterThan(connectedAt + 2_000);
            }
            station.send(new ClientMessage.CallHangup(null, callId, null));
            station.await(ServerMessage.CallEnded.class);
            agent.await(ServerMessage.CallEnded.class);
            assertThat(station.drain(Duration.ofMillis(2_500)))
                    .noneMatch(m -> m instanceof ServerMessage.DocumentsAccess);
        }
    }
}
