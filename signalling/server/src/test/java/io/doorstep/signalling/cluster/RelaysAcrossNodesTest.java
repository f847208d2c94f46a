package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.documents.EventSignature;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Media.IceServer;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.relays.RelayLoad;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two signalling nodes on Redis and two relays, each relay posting its signed load reports to a different node: both
 * nodes see both relays, calls on both nodes spread over both relays by least load, and when one relay stops
 * reporting, each of its calls, owned by either node, is moved exactly once, by its owner, and both parties (on
 * either node) hear of it once.
 */
class RelaysAcrossNodesTest {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();
    private static final String SECRET = "relays-across-nodes-document-secret-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String URL_A = "turn:relay-a.test:3478", URL_B = "turn:relay-b.test:3478";

    private static Map<String, String> node(RedisKeys keys, String nodeId) {
        return Map.of("DOORSTEP_CLUSTER_STATE", "redis", "DOORSTEP_CLUSTER_REDIS_URI", RedisExtension.URI,
                "DOORSTEP_CLUSTER_KEY_PREFIX", keys.prefix(), "DOORSTEP_CLUSTER_NODE_ID", nodeId,
                "DOORSTEP_ROUTING_WRAP_UP", "0s", "DOORSTEP_DOCUMENTS_TOKEN_SECRET", SECRET,
                "DOORSTEP_MEDIA_RELAY_SELECTION", "least-loaded");
    }

    @Test
    void callsOnBothNodesSpreadOverBothRelaysAndEachCallOfARelayThatStopsIsMovedOnce() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        ScheduledExecutorService relayB = Executors.newSingleThreadScheduledExecutor();
        try (TestServer a = TestServer.start(node(keys, "a"));
             TestServer b = TestServer.start(node(keys, "b"))) {
            // relay-a reports once, to node a, every minute; relay-b every 300 ms, to node b
            assertThat(post(a, load("relay-a", URL_A, 60_000))).isEqualTo(202);
            relayB.scheduleAtFixedRate(() -> post(b, load("relay-b", URL_B, 300)), 0, 300, TimeUnit.MILLISECONDS);
            awaitRelays(a, 2);
            awaitRelays(b, 2);

            try (WsClient st1 = a.signIn("st-test-01", Role.STATION); WsClient ag1 = a.availableAgent("ag-mi-01")) {
                // the station's node owns the call and picks its relay: a, relay-a (a tie, by id)
                String call1 = TestServer.connectedCall(st1, ag1, "MI-001");
                try (WsClient st2 = b.signIn("st-test-02", Role.STATION);
                     WsClient ag2 = a.availableAgent("ag-mi-02")) {
                    // owned by b, which has sent none yet: relay-a
                    String call2 = TestServer.connectedCall(st2, ag2, "MI-001");
                    try (WsClient st3 = b.signIn("st-test-03", Role.STATION);
                         WsClient ag3 = b.availableAgent("ag-multi")) {
                        // owned by b: relay-b, b has one call
                        String call3 = TestServer.connectedCall(st3, ag3, "MI-001");
                        try (WsClient st4 = a.signIn("st-test-04", Role.STATION);
                             WsClient ag4 = b.availableAgent("ag-pe-01")) {
                            // owned by a: relay-b, a has one call
                            String call4 = TestServer.connectedCall(st4, ag4, "PE-001");
                            assertThat(List.of(call1, call2, call3, call4)).extracting(c -> relayOf(keys, c))
                                    .containsExactly("relay-a", "relay-a", "relay-b", "relay-b");
                            assertThat(List.of(call3, call4)).as("relay-b's calls are owned by both nodes")
                                    .extracting(c -> REDIS.commands().hget(keys.call(c), "node"))
                                    .containsExactly("b", "a");

                            relayB.shutdownNow(); // relay-b stops reporting: gone after 900 ms
                            for (WsClient party : List.of(st3, ag3, st4, ag4)) {
                                ServerMessage.CallRelayMoved moved = party.await(ServerMessage.CallRelayMoved.class);
                                assertThat(turnUrls(moved.iceServers())).containsExactly(URL_A);
                            }
                            assertThat(List.of(call3, call4)).extracting(c -> relayOf(keys, c))
                                    .containsOnly("relay-a");
                            for (WsClient party : List.of(st1, ag1, st2, ag2, st3, ag3, st4, ag4)) {
                                assertThat(party.drain(Duration.ofMillis(600)))
                                        .as("one move per call, none for the calls on relay-a")
                                        .noneMatch(m -> m instanceof ServerMessage.CallRelayMoved);
                            }
                        }
                    }
                }
            }
        } finally {
            relayB.shutdownNow();
        }
    }

    private static String relayOf(RedisKeys keys, String callId) {
        return REDIS.commands().hget(keys.call(callId), "relay");
    }

    private static RelayLoad load(String relayId, String url, long interval) {
        return new RelayLoad(relayId, "", List.of(url), 0, 100, 0, 0, System.currentTimeMillis(), interval, false);
    }

    /** Posts a relay's load report to a node, signed as the relay signs it. */
    private static int post(TestServer node, RelayLoad load) {
        try {
            EventSignature signature = new EventSignature(SECRET.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
            byte[] body = JSON.writeValueAsBytes(load);
            String ts = signature.timestamp();
            return HTTP.send(HttpRequest.newBuilder(node.httpUri(RelayLoad.PATH))
                    .header(EventSignature.TIMESTAMP_HEADER, ts)
                    .header(EventSignature.SIGNATURE_HEADER, signature.sign(ts, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the node's dashboard (its copy of the fleet) shows {@code count} relays. */
    static void awaitRelays(TestServer node, int count) {
        try (WsClient operator = node.signIn("op-test-01", Role.OPERATOR)) {
            operator.send(new ClientMessage.DashboardSubscribe("d1"));
            operator.await(ServerMessage.DashboardUpdate.class,
                    u -> u.live() != null && u.live().relays().size() == count);
        }
    }

    private static List<String> turnUrls(List<IceServer> servers) {
        return servers.stream().filter(s -> s.username() != null).flatMap(s -> s.urls().stream()).toList();
    }
}
