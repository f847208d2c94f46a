package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real nodes on the real Redis, real clients over WebSockets: a node killed, a node taken for dead and a node
 * drained lose no call; their clients sign in on another node and carry on (docs/cluster.md §7).
 */
class NodeFailureTest {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();
    /** How long a crashed node's clients may take to see their connections close on a loaded machine. */
    private static final Duration CRASH_CLOSE = Duration.ofSeconds(15);
    private static final Logger log = LoggerFactory.getLogger(NodeFailureTest.class);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(2); // three nodes share one JVM and its pauses
    private static final Duration RESUME_GRACE = Duration.ofSeconds(2);
    /** Room for scheduling on a busy two-core test machine, on top of the bound the docs state. */
    private static final Duration SLACK = Duration.ofSeconds(1);

    /** A node with short liveness timings; only {@code archiver} copies the call log stream into its file. */
    private static TestServer node(RedisKeys keys, String nodeId, boolean archiver) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("DOORSTEP_CLUSTER_STATE", "redis",
                "DOORSTEP_CLUSTER_REDIS_URI", RedisExtension.URI, "DOORSTEP_CLUSTER_KEY_PREFIX", keys.prefix(),
                "DOORSTEP_CLUSTER_NODE_ID", nodeId, "DOORSTEP_CLUSTER_ARCHIVE_CALL_LOG", Boolean.toString(archiver),
                "DOORSTEP_CLUSTER_HEARTBEAT_INTERVAL", HEARTBEAT.toMillis() + "ms",
                "DOORSTEP_CLUSTER_NODE_TIMEOUT", NODE_TIMEOUT.toMillis() + "ms",
                "DOORSTEP_SESSION_RESUME_GRACE", RESUME_GRACE.toMillis() + "ms",
                "DOORSTEP_ROUTING_WRAP_UP", "0s"));
        return TestServer.start(env);
    }

    @Test
    void aKilledNodesCallsGoOnAtTheOtherNodes() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        RedisCommands<String, String> redis = REDIS.commands();
        try (TestServer a = node(keys, "a", false);
             TestServer b = node(keys, "b", true);
             TestServer c = node(keys, "c", false);
             WsClient agent = b.availableAgent("ag-mi-01");
             WsClient station = a.signIn("st-test-01", Role.STATION);
             WsClient waiting = a.signIn("st-test-02", Role.STATION);
             WsClient agentOnA = a.signIn("ag-mi-02", Role.AGENT);
             WsClient spare = c.signIn("ag-multi", Role.AGENT)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            waiting.send(new ClientMessage.CallRequest(null, "MI-001", false));
            String waitingId = waiting.await(ServerMessage.CallQueued.class).callId();
            agentOnA.setAvailable();
            assertThat(agentOnA.await(ServerMessage.CallOffer.class).callId()).isEqualTo(waitingId);
            spare.setAvailable(); // nothing for it yet: the waiting call rings at the agent on a

            long killed = System.nanoTime();
            a.crash();
            station.awaitClose(CRASH_CLOSE);
            waiting.awaitClose(CRASH_CLOSE);

            // the clients sign in on other nodes, asking to resume as the SDK does; a's sessions died with it
            WsClient stationBack = b.connect();
            ServerMessage.Welcome welcome = stationBack.hello(b.token("st-test-01", Role.STATION),
                    new ClientMessage.Resume(station.welcome().sessionId(), station.lastSeq()));
            assertThat(welcome.resumed()).isFalse();
            assertThat(welcome.resumeError()).isEqualTo("SESSION_NOT_FOUND");
            ServerMessage.CallConnected back = stationBack.await(ServerMessage.CallConnected.class);
            long connectedAgainMs = millisSince(killed);
            assertThat(back.callId()).isEqualTo(callId);
            assertThat(back.peer().id()).isEqualTo("ag-mi-01");
            assertTurnCredentialsFor(back.iceServers(), callId, "station");
            assertThat(agent.await(ServerMessage.PeerReconnected.class).callId()).isEqualTo(callId);

            WsClient waitingBack = c.connect();
            waitingBack.hello(c.token("st-test-02", Role.STATION),
                    new ClientMessage.Resume(waiting.welcome().sessionId(), waiting.lastSeq()));
            assertThat(waitingBack.await(ServerMessage.CallQueued.class).callId()).isEqualTo(waitingId);

            // a survivor finds a dead, reclaims it, and returns the call ringing at a's agent to the queue
            ServerMessage.CallOffer offer = spare.await(ServerMessage.CallOffer.class);
            long offeredAgainMs = millisSince(killed);
            assertThat(offer.callId()).isEqualTo(waitingId);
            log.info("node killed: call.connected again after {} ms, the ringing call offered again after {} ms",
                    connectedAgainMs, offeredAgainMs);
            assertThat(offeredAgainMs).as("node-timeout + heartbeat interval (+ slack)")
                    .isLessThanOrEqualTo(NODE_TIMEOUT.plus(HEARTBEAT).plus(SLACK).toMillis());
            assertThat(redis.zscore(keys.nodes(), "a")).as("a is reclaimed").isNull();
            assertThat(redis.hget(keys.call(callId), "node")).isIn("b", "c");
            assertThat(redis.hget(keys.call(waitingId), "node")).isIn("b", "c");
            assertThat(redis.hget(keys.agent("ag-mi-02"), "online")).as("a's agent is offline").isEqualTo("0");

            spare.send(new ClientMessage.CallAccept(null, waitingId));
            spare.await(ServerMessage.CallConnected.class);
            assertThat(waitingBack.await(ServerMessage.CallConnected.class).callId()).isEqualTo(waitingId);

            stationBack.send(new ClientMessage.CallHangup(null, callId, null));
            assertThat(stationBack.await(ServerMessage.CallEnded.class).by()).isEqualTo(Role.STATION);
            assertThat(agent.await(ServerMessage.CallEnded.class).callId()).isEqualTo(callId);
            await().atMost(Duration.ofSeconds(10)).until(() -> b.callLog(callId).size() == 4);
            assertThat(b.callLog(callId)).extracting(l -> l.path("event").asText())
                    .containsExactly("queued", "offered", "connected", "ended");
            assertThat(b.callLog(callId).get(3).path("reason").asText()).isEqualTo("completed");

            await().atMost(RESUME_GRACE.plus(Duration.ofSeconds(5)))
                    .until(() -> redis.exists(keys.agent("ag-mi-02")) == 0);
            stationBack.close();
            waitingBack.close();
        }
    }

    @Test
    void aPartyThatDoesNotComeBackEndsItsCallWhenTheGraceEnds() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        try (TestServer a = node(keys, "a", false);
             TestServer b = node(keys, "b", true);
             WsClient agent = b.availableAgent("ag-mi-01");
             WsClient station = a.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            a.crash();

            assertThat(agent.await(ServerMessage.PeerReconnecting.class).graceMs())
                    .isEqualTo(RESUME_GRACE.toMillis());
            ServerMessage.CallEnded ended = agent.await(ServerMessage.CallEnded.class);
            assertThat(ended.callId()).isEqualTo(callId);
            assertThat(ended.cause()).isEqualTo("STATION_LOST");
            await().atMost(Duration.ofSeconds(10)).until(() -> b.callLog(callId).size() == 4);
            assertThat(b.callLog(callId).get(3).path("event").asText()).isEqualTo("ended");
            assertThat(REDIS.commands().exists(keys.call(callId))).isZero();
        }
    }

    @Test
    void aNodeTakenForDeadClosesItsSessionsAndItsCallGoesOnElsewhere() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        try (TestServer a = node(keys, "a", false);
             TestServer b = node(keys, "b", true);
             WsClient agent = a.availableAgent("ag-mi-01");
             WsClient station = a.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");

            // a long pause (or a partition) outlasts a's key: b reclaims a before a beats again
            a.stallHeartbeat(NODE_TIMEOUT.plusSeconds(1));
            for (WsClient party : List.of(station, agent)) {
                ServerMessage.ServerShutdown bye = party.await(ServerMessage.ServerShutdown.class);
                assertThat(bye.action()).isEqualTo(ServerMessage.ServerShutdown.RECONNECT);
                assertThat(party.awaitClose()).isEqualTo(1012);
            }
            assertThat(REDIS.commands().hget(keys.call(callId), "state")).as("a did not end it").isEqualTo("CONNECTED");
            assertThat(get(a, "/health").statusCode()).isEqualTo(503);
            assertThat(get(a, "/ready").statusCode()).isEqualTo(503);
            try (WsClient late = a.connect()) {
                late.send(new ClientMessage.Hello("h", a.token("st-test-02", Role.STATION), null));
                assertThat(late.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.SERVER_DRAINING);
            }

            try (WsClient stationBack = b.signIn("st-test-01", Role.STATION);
                 WsClient agentBack = b.signIn("ag-mi-01", Role.AGENT)) {
                assertThat(stationBack.await(ServerMessage.CallConnected.class).callId()).isEqualTo(callId);
                assertThat(agentBack.await(ServerMessage.CallConnected.class).callId()).isEqualTo(callId);
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> "b".equals(REDIS.commands().hget(keys.call(callId), "node")));
                agentBack.send(new ClientMessage.CallHangup(null, callId, null));
                assertThat(stationBack.await(ServerMessage.CallEnded.class).by()).isEqualTo(Role.AGENT);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> b.callLog(callId).size() == 4);
            assertThat(b.callLog(callId)).extracting(l -> l.path("event").asText())
                    .containsExactly("queued", "offered", "connected", "ended");
        }
    }

    @Test
    void aDrainingNodeHandsOverTheCallsItOwnsWhosePartiesAreElsewhere() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        RedisCommands<String, String> redis = REDIS.commands();
        try (TestServer b = node(keys, "b", true);
             WsClient agent = b.availableAgent("ag-mi-01")) {
            String callId;
            WsClient stationBack;
            try (TestServer a = node(keys, "a", false);
                 WsClient station = a.signIn("st-test-01", Role.STATION)) {
                callId = TestServer.connectedCall(station, agent, "MI-001");
                stationBack = b.signIn("st-test-01", Role.STATION); // the station moved: a's call has no party on a
                assertThat(stationBack.await(ServerMessage.CallConnected.class).callId()).isEqualTo(callId);
                station.await(ServerMessage.SessionReplaced.class);
                assertThat(redis.hget(keys.call(callId), "node")).isEqualTo("a");
            } // a drains and stops: its call goes on
            await().atMost(Duration.ofSeconds(5)).until(() -> "b".equals(redis.hget(keys.call(callId), "node")));
            assertThat(redis.hget(keys.call(callId), "state")).isEqualTo("CONNECTED");
            assertThat(agent.drain(Duration.ofMillis(300))).noneMatch(ServerMessage.CallEnded.class::isInstance);

            stationBack.send(new ClientMessage.CallHangup(null, callId, null));
            assertThat(agent.await(ServerMessage.CallEnded.class).by()).isEqualTo(Role.STATION);
            stationBack.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.callLog(callId).size() == 4);
            assertThat(b.callLog(callId)).extracting(l -> l.path("event").asText())
                    .containsExactly("queued", "offered", "connected", "ended");
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static HttpResponse<String> get(TestServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.httpUri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** TURN credentials issued for this call and role: the node the party signed in on made them anew. */
    private static void assertTurnCredentialsFor(List<Media.IceServer> servers, String callId, String role) {
        assertThat(servers.stream().filter(s -> s.urls().get(0).startsWith("turn:")).flatMap(s ->
                Stream.of(s.username().split(":")).skip(1))).containsExactly(callId, role);
    }
}
