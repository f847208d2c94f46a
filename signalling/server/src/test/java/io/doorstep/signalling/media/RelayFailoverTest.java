package io.doorstep.signalling.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Media.IceServer;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.signalling.RelayEnvironment;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real relays report to a real signalling server that chooses the least-loaded one per call: a call goes through
 * the one chosen, and when that relay shuts down both parties are told to move to the other.
 */
class RelayFailoverTest {
    private static final String SECRET = "relay-failover-test-document-secret-0123456789";

    @TempDir
    Path dir;

    @Test
    void aCallGoesThroughTheChosenRelayAndMovesWhenItLeaves() throws Exception {
        try (TestServer server = TestServer.start(Map.of("DOORSTEP_DOCUMENTS_TOKEN_SECRET", SECRET,
                "DOORSTEP_MEDIA_RELAY_SELECTION", "least-loaded"));
             RelayApp second = relay(server, "relay-b")) {
            RelayApp first = relay(server, "relay-a");
            try (WsClient operator = server.signIn("op-test-01", Role.OPERATOR);
                 WsClient agent = server.availableAgent("ag-mi-01");
                 WsClient station = server.signIn("st-test-01", Role.STATION)) {
                operator.send(new ClientMessage.DashboardSubscribe("d1"));
                awaitRelays(operator, 2);

                station.send(new ClientMessage.CallRequest(null, "MI-001", false));
                String callId = station.await(ServerMessage.CallQueued.class).callId();
                agent.await(ServerMessage.CallOffer.class);
                agent.send(new ClientMessage.CallAccept(null, callId));
                int firstPort = first.turnAddress().getPort();
                assertThat(turnUrls(station.await(ServerMessage.CallConnected.class).iceServers()))
                        .as("both relays empty: the first by id").contains("turn:127.0.0.1:" + firstPort
                                + "?transport=udp");
                assertThat(turnUrls(agent.await(ServerMessage.CallConnected.class).iceServers()))
                        .as("the same relay for both parties").contains("turn:127.0.0.1:" + firstPort
                                + "?transport=udp");

                first.close(); // says it is leaving
                int secondPort = second.turnAddress().getPort();
                for (WsClient party : List.of(station, agent)) {
                    ServerMessage.CallRelayMoved moved = party.await(ServerMessage.CallRelayMoved.class);
                    assertThat(moved.callId()).isEqualTo(callId);
                    assertThat(turnUrls(moved.iceServers())).containsExactly(
                            "turn:127.0.0.1:" + secondPort + "?transport=udp",
                            "turn:127.0.0.1:" + secondPort + "?transport=tcp");
                    assertThat(moved.iceServers()).filteredOn(s -> s.username() != null).singleElement()
                            .satisfies(s -> assertThat(s.username()).contains(callId));
                }
            } finally {
                first.close();
            }
        }
    }

    private RelayApp relay(TestServer server, String id) throws InterruptedException {
        return RelayEnvironment.reportingRelay(server, dir.resolve(id), SECRET, id, "");
    }

    private static void awaitRelays(WsClient operator, int count) {
        operator.await(ServerMessage.DashboardUpdate.class, u -> u.live() != null && u.live().relays().size() == count);
    }

    private static List<String> turnUrls(List<IceServer> servers) {
        return servers.stream().filter(s -> s.username() != null).flatMap(s -> s.urls().stream()).toList();
    }
}
