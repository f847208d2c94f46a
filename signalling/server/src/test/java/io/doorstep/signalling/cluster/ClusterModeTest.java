package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Dashboard;
import io.doorstep.protocol.Media;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One node with {@code cluster.state: redis}: a call goes through as on the single box, with its state in Redis
 * while it lasts, and its records reach the call log file through the stream.
 */
class ClusterModeTest {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Map<String, String> onRedis(RedisKeys keys, String nodeId) {
        return Map.of("DOORSTEP_CLUSTER_STATE", "redis", "DOORSTEP_CLUSTER_REDIS_URI", RedisExtension.URI,
                "DOORSTEP_CLUSTER_KEY_PREFIX", keys.prefix(), "DOORSTEP_CLUSTER_NODE_ID", nodeId,
                "DOORSTEP_ROUTING_WRAP_UP", "0s");
    }

    @Test
    void aCallRunsOnRedisAndItsRecordsAreArchivedIntoTheFile() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        RedisCommands<String, String> redis = REDIS.commands();
        try (TestServer server = TestServer.start(onRedis(keys, "node-1"));
             WsClient agent = server.availableAgent("ag-mi-01");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            assertThat(redis.hget(keys.call(callId), "state")).isEqualTo("CONNECTED");
            assertThat(redis.hget(keys.call(callId), "node")).isEqualTo("node-1");
            assertThat(redis.hget(keys.agent("ag-mi-01"), "state")).isEqualTo("BUSY");
            assertThat(redis.hget(keys.sessions(), "st-test-01")).startsWith("node-1\t");

            station.send(new ClientMessage.CallHangup(null, callId, null));
            station.await(ServerMessage.CallEnded.class);
            agent.await(ServerMessage.CallEnded.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> server.callLog(callId).size() == 4);
            assertThat(server.callLog(callId)).extracting(JsonNode::toString).satisfiesExactly(
                    l -> assertThat(l).contains("\"event\":\"queued\""),
                    l -> assertThat(l).contains("\"event\":\"offered\""),
                    l -> assertThat(l).contains("\"event\":\"connected\""),
                    l -> assertThat(l).contains("\"event\":\"ended\""));
            assertThat(redis.exists(keys.call(callId))).as("an ended call leaves Redis").isZero();
            assertThat(redis.hget(keys.agent("ag-mi-01"), "state")).isEqualTo("AVAILABLE");
        }
        assertThat(redis.exists(keys.node("node-1"))).as("a clean stop leaves the cluster").isZero();
        assertThat(redis.hlen(keys.sessions())).as("its sessions ended").isZero();
    }

    @Test
    void aStationOnOneNodeTalksToAnAgentOnAnother() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        try (TestServer a = TestServer.start(onRedis(keys, "a"));
             TestServer b = TestServer.start(onRedis(keys, "b"));
             WsClient agent = b.availableAgent("ag-mi-01");
             WsClient station = a.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            station.send(new ClientMessage.Sdp(null, callId, new Media.SessionDescription("offer", "v=0 from a")));
            assertThat(agent.await(ServerMessage.Sdp.class).description().sdp()).isEqualTo("v=0 from a");
            agent.send(new ClientMessage.Sdp(null, callId, new Media.SessionDescription("answer", "v=0 from b")));
            assertThat(station.await(ServerMessage.Sdp.class).description().sdp()).isEqualTo("v=0 from b");

            agent.send(new ClientMessage.CallHangup(null, callId, null));
            assertThat(station.await(ServerMessage.CallEnded.class).by()).isEqualTo(Role.AGENT);
            agent.await(ServerMessage.CallEnded.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.callLog(callId).size() + b.callLog(callId).size() == 4);
        }
    }

    /** docs/cluster.md §8: a node's dashboard shows the quality a call's party reported to another node. */
    @Test
    void anOperatorSeesTheQualityAPartyReportedToAnotherNode() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        try (TestServer a = TestServer.start(onRedis(keys, "a"));
             TestServer b = TestServer.start(onRedis(keys, "b"));
             WsClient agent = b.availableAgent("ag-mi-01");
             WsClient station = a.signIn("st-test-01", Role.STATION);
             WsClient operator = a.signIn("op-test-01", Role.OPERATOR)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            operator.send(new ClientMessage.DashboardSubscribe(null));
            operator.await(ServerMessage.DashboardSnapshot.class);

            agent.send(new ClientMessage.CallStats(null, callId, 95.0, 3.0, 9L, 0.04, 760.0, 790.0, 290L, "host",
                    null));

            ServerMessage.DashboardUpdate seen = operator.await(ServerMessage.DashboardUpdate.class,
                    u -> u.live() != null && u.live().calls().size() == 1 && u.live().calls().get(0).quality() != null);
            assertThat(seen.live().calls().get(0).quality()).isEqualTo(new Dashboard.Quality(95.0, 0.04, false));
            assertThat(REDIS.commands().get(keys.quality(callId, "agent"))).isEqualTo("95.0|0.04|false");
        }
    }

    /**
     * The agent's sign-out is applied by node a, which owns its call, but b held the session: b's sessions gauge
     * drops at once, not at b's next change of its own.
     */
    @Test
    void aNodesSessionGaugeFollowsASessionEventAppliedByTheCallsOwner() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        try (TestServer a = TestServer.start(onRedis(keys, "a"));
             TestServer b = TestServer.start(onRedis(keys, "b"));
             WsClient agent = b.availableAgent("ag-mi-01");
             WsClient station = a.signIn("st-test-01", Role.STATION)) {
            TestServer.connectedCall(station, agent, "MI-001");
            assertThat(agentSessions(b)).isEqualTo("1.0");

            agent.send(new ClientMessage.Bye(null));

            assertThat(station.await(ServerMessage.CallEnded.class).by()).isEqualTo(Role.AGENT);
            await().atMost(Duration.ofSeconds(5)).until(() -> "0.0".equals(agentSessions(b)));
        }
    }

    /** The value of {@code doorstep_sessions{role="agent"}} in the node's scrape. */
    private static String agentSessions(TestServer node) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(node.httpUri("/metrics"))
                .header("Authorization", "Bearer " + node.token("op-test-01", Role.OPERATOR)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> l.startsWith("doorstep_sessions{role=\"agent\"}")).findFirst()
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).orElse("absent");
    }

    @Test
    void signingInOnAnotherNodeReplacesTheSessionOnTheFirst() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        try (TestServer a = TestServer.start(onRedis(keys, "a"));
             TestServer b = TestServer.start(onRedis(keys, "b"));
             WsClient first = a.signIn("st-test-01", Role.STATION);
             WsClient second = b.signIn("st-test-01", Role.STATION)) {
            assertThat(first.await(ServerMessage.SessionReplaced.class).reason()).isNotEmpty();
            assertThat(REDIS.commands().hget(keys.sessions(), "st-test-01"))
                    .as("a's removal of the replaced session keeps b's").startsWith("b\t");
            second.send(new ClientMessage.CallRequest("r-1", "MI-001", false));
            assertThat(second.await(ServerMessage.CallQueued.class).re()).isEqualTo("r-1");
        }
    }

    @Test
    void aNodeTakenForDeadIsNotReady() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        try (TestServer server = TestServer.start(onRedis(keys, "n1"))) {
            assertThat(ready(server).statusCode()).isEqualTo(200);
            REDIS.commands().del(keys.node("n1")); // its key lapsed and a survivor reclaimed it
            REDIS.commands().zrem(keys.nodes(), "n1");
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(server).statusCode() == 503);
            assertThat(ready(server).body()).contains("cluster state unavailable");
        }
    }

    private static HttpResponse<String> ready(TestServer server) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.httpUri("/ready")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSecondNodeWithTheSameIdIsRefused() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        try (TestServer first = TestServer.start(onRedis(keys, "twin"))) {
            assertThatThrownBy(() -> TestServer.start(onRedis(keys, "twin")))
                    .hasMessageContaining("cluster.node-id twin is in use");
        }
    }
}
