package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Media.IceServer;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.signalling.RelayEnvironment;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #8's set-up in one run: three signalling nodes on the real Redis and two real relays, each relay reporting its
 * load to a different node (not the one that dies: in production relays post through the load balancer). Calls placed across nodes each get a relay, kept with the call; a node killed mid-call
 * loses none of them (their parties sign in on the other nodes and get their calls back, on the same relays); then
 * one relay shuts down and each call on it moves, once, to the other.
 */
class ThreeNodesTwoRelaysTest {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();
    private static final String SECRET = "three-nodes-two-relays-document-secret-0123456789";

    @TempDir
    Path dir;

    private static TestServer node(RedisKeys keys, String nodeId, boolean archiver) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("DOORSTEP_CLUSTER_STATE", "redis",
                "DOORSTEP_CLUSTER_REDIS_URI", RedisExtension.URI, "DOORSTEP_CLUSTER_KEY_PREFIX", keys.prefix(),
                "DOORSTEP_CLUSTER_NODE_ID", nodeId, "DOORSTEP_CLUSTER_ARCHIVE_CALL_LOG", Boolean.toString(archiver),
                "DOORSTEP_CLUSTER_HEARTBEAT_INTERVAL", "200ms", "DOORSTEP_CLUSTER_NODE_TIMEOUT", "2s",
                "DOORSTEP_ROUTING_WRAP_UP", "0s", "DOORSTEP_DOCUMENTS_TOKEN_SECRET", SECRET,
                "DOORSTEP_MEDIA_RELAY_SELECTION", "least-loaded"));
        return TestServer.start(env);
    }

    @Test
    void callsAcrossNodesKeepTheirRelaysThroughANodesDeathAndMoveWhenTheirRelayGoes() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        RedisCommands<String, String> redis = REDIS.commands();
        try (TestServer a = node(keys, "a", false);
             TestServer b = node(keys, "b", true);
             TestServer c = node(keys, "c", false);
             RelayApp relayA = RelayEnvironment.reportingRelay(b, dir.resolve("relay-a"), SECRET, "relay-a", "");
             RelayApp relayB = RelayEnvironment.reportingRelay(c, dir.resolve("relay-b"), SECRET, "relay-b", "")) {
            for (TestServer node : List.of(a, b, c)) {
                RelaysAcrossNodesTest.awaitRelays(node, 2); // every node's copy of the fleet has both
            }
            Map<String, RelayApp> relays = Map.of("relay-a", relayA, "relay-b", relayB);

            // a station on a with an agent on b, and a station on c with an agent on a
            WsClient agent1 = b.availableAgent("ag-mi-01");
            WsClient station1 = a.signIn("st-test-01", Role.STATION);
            String call1 = TestServer.connectedCall(station1, agent1, "MI-001");
            WsClient agent2 = a.availableAgent("ag-mi-02");
            WsClient station2 = c.signIn("st-test-02", Role.STATION);
            String call2 = TestServer.connectedCall(station2, agent2, "MI-001");
            String relay1 = redis.hget(keys.call(call1), "relay");
            String relay2 = redis.hget(keys.call(call2), "relay");
            assertThat(List.of(relay1, relay2)).as("a relay kept with each call").allMatch(relays::containsKey);

            // node a dies: station1 and agent2 sign in on the others and get their calls back, on the same relays
            a.crash();
            WsClient station1Back = c.signIn("st-test-01", Role.STATION);
            WsClient agent2Back = b.signIn("ag-mi-02", Role.AGENT);
            ServerMessage.CallConnected back1 = station1Back.await(ServerMessage.CallConnected.class);
            ServerMessage.CallConnected back2 = agent2Back.await(ServerMessage.CallConnected.class);
            assertThat(back1.callId()).isEqualTo(call1);
            assertThat(back2.callId()).isEqualTo(call2);
            assertThat(turnPorts(back1.iceServers())).containsOnly(port(relays.get(relay1)));
            assertThat(turnPorts(back2.iceServers())).containsOnly(port(relays.get(relay2)));
            await().atMost(Duration.ofSeconds(10)).until(() -> !"a".equals(redis.hget(keys.call(call1), "node")));

            // the relay of call1 shuts down: its calls move to the other relay, once each, whichever node owns them
            String gone = relay1;
            RelayApp other = relays.get(gone.equals("relay-a") ? "relay-b" : "relay-a");
            List<WsClient> onGone = relay2.equals(gone) ? List.of(station1Back, agent1, station2, agent2Back)
                    : List.of(station1Back, agent1);
            relays.get(gone).close();
            for (WsClient party : onGone) {
                ServerMessage.CallRelayMoved moved = party.await(ServerMessage.CallRelayMoved.class);
                assertThat(turnPorts(moved.iceServers())).containsOnly(port(other));
            }
            for (WsClient party : List.of(station1Back, agent1, station2, agent2Back)) {
                assertThat(party.drain(Duration.ofMillis(600))).as("one move per call on the relay that went")
                        .noneMatch(m -> m instanceof ServerMessage.CallRelayMoved);
            }

            // both calls end normally and leave complete records
            station1Back.send(new ClientMessage.CallHangup(null, call1, null));
            assertThat(agent1.await(ServerMessage.CallEnded.class).callId()).isEqualTo(call1);
            station2.send(new ClientMessage.CallHangup(null, call2, null));
            assertThat(agent2Back.await(ServerMessage.CallEnded.class).callId()).isEqualTo(call2);
            for (String call : List.of(call1, call2)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> b.callLog(call).size() == 4);
                assertThat(b.callLog(call)).extracting(l -> l.path("event").asText())
                        .containsExactly("queued", "offered", "connected", "ended");
            }
            for (WsClient client : List.of(station1Back, agent1, station2, agent2Back)) {
                client.close();
            }
        }
    }

    private static int port(RelayApp relay) {
        return relay.turnAddress().getPort();
    }

    /** The ports of the TURN URLs with credentials (the call's relay), e.g. 3478 of turn:127.0.0.1:3478?transport=udp. */
    private static List<Integer> turnPorts(List<IceServer> servers) {
        return servers.stream().filter(s -> s.username() != null).flatMap(s -> s.urls().stream())
                .map(url -> Integer.parseInt(url.replaceAll("^turns?:[^:]+:(\\d+).*$", "$1"))).toList();
    }
}
