package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Media;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Redis goes away under two nodes and comes back empty (a redis-server of the test's own, killed and restarted on
 * its port): the nodes say so in /ready and the gauge, refuse new calls and sign-ins with STATE_UNAVAILABLE, keep the
 * call in progress talking and its sessions alive, then join again, write back what they know and take new calls,
 * across nodes too (each node's channel subscribed again). docs/cluster.md §9.
 */
class RedisOutageTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern REDIS_UP = Pattern.compile("(?m)^doorstep_cluster_redis_up(?:\\{[^}]*})? (\\S+)$");
    private static final Duration RECOVERY = Duration.ofSeconds(15);

    private static Map<String, String> node(PrivateRedis redis, String nodeId) {
        return node(redis.uri(), nodeId);
    }

    private static Map<String, String> node(String redisUri, String nodeId) {
        return Map.of("DOORSTEP_CLUSTER_STATE", "redis", "DOORSTEP_CLUSTER_REDIS_URI", redisUri,
                "DOORSTEP_CLUSTER_NODE_ID", nodeId, "DOORSTEP_CLUSTER_HEARTBEAT_INTERVAL", "200ms",
                "DOORSTEP_CLUSTER_NODE_TIMEOUT", "1s", "DOORSTEP_ROUTING_WRAP_UP", "0s");
    }

    @Test
    void callsInProgressGoOnThroughAnOutageAndNewCallsAreTakenWhenRedisReturns() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start();
             TestServer a = TestServer.start(node(redis, "a"));
             TestServer b = TestServer.start(node(redis, "b"));
             WsClient agent = a.availableAgent("ag-mi-01");
             WsClient dropped = a.signIn("st-test-01", Role.STATION);
             WsClient otherAgent = b.availableAgent("ag-mi-02");
             WsClient otherStation = a.signIn("st-test-02", Role.STATION)) {
            String callId = TestServer.connectedCall(dropped, agent, "MI-001");
            assertThat(redisUp(a)).isEqualTo(1);
            // records still in the stream when an unpersisted Redis dies are lost with it (docs/cluster.md §6)
            await().atMost(RECOVERY).until(() -> a.callLog(callId).size() + b.callLog(callId).size() == 3);

            redis.kill();
            await().atMost(RECOVERY).until(() -> ready(a) == 503 && ready(b) == 503);
            assertThat(redisUp(a)).isZero();
            assertThat(redisUp(b)).isZero();

            talk(dropped, agent, callId, "during the outage");
            agent.send(new ClientMessage.Ping("p-1", agent.lastSeq()));
            assertThat(agent.await(ServerMessage.Pong.class).re()).isEqualTo("p-1");
            dropped.drop(); // the village network drops: the session waits, and resumes without Redis
            agent.await(ServerMessage.PeerReconnecting.class);
            try (WsClient station = resume(a, dropped)) {
                assertThat(agent.await(ServerMessage.PeerReconnected.class).callId()).isEqualTo(callId);
                talk(station, agent, callId, "after a resume during the outage");
                newCallsAndSignInsAreRefused(a, otherStation);

                redis.restart(); // empty: it kept nothing
                await().atMost(RECOVERY).until(() -> ready(a) == 200 && ready(b) == 200);
                assertThat(redisUp(a)).isEqualTo(1);
                assertThat(redisUp(b)).isEqualTo(1);
                assertWrittenBack(redis, callId);

                talk(station, agent, callId, "after Redis came back empty");
                aNewCallCompletesAcrossNodes(a, b, otherStation, otherAgent);
                station.send(new ClientMessage.CallHangup("h-2", callId, null));
                assertThat(station.await(ServerMessage.CallEnded.class).re()).isEqualTo("h-2");
                assertThat(agent.await(ServerMessage.CallEnded.class).callId()).isEqualTo(callId);
                await().atMost(RECOVERY).until(() -> a.callLog(callId).size() + b.callLog(callId).size() == 4);
            }
        }
    }

    private static void newCallsAndSignInsAreRefused(TestServer server, WsClient station) {
        station.send(new ClientMessage.CallRequest("r-1", "MI-001", false));
        ServerMessage.Error refused = station.await(ServerMessage.Error.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.STATE_UNAVAILABLE);
        assertThat(refused.re()).isEqualTo("r-1");
        assertThat(refused.message()).contains("try again shortly");
        try (WsClient late = server.connect()) {
            late.send(new ClientMessage.Hello("h-1", server.token("st-test-03", Role.STATION), null));
            assertThat(late.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.STATE_UNAVAILABLE);
            assertThat(late.awaitClose()).isEqualTo(1008);
        }
    }

    /** A station on a, an agent on b whom the emptied Redis forgot: each node's channel is subscribed again. */
    private static void aNewCallCompletesAcrossNodes(TestServer a, TestServer b, WsClient station, WsClient agent) {
        ServerMessage.AgentStateChanged lost = agent.await(ServerMessage.AgentStateChanged.class,
                m -> "STATE_LOST".equals(m.cause()));
        assertThat(lost.state()).as("Redis forgot it: back as away, to say so").isEqualTo(AgentState.AWAY);
        agent.setAvailable();
        String newCall = TestServer.connectedCall(station, agent, "MI-001");
        station.send(new ClientMessage.CallHangup(null, newCall, null));
        agent.await(ServerMessage.CallEnded.class);
        await().atMost(RECOVERY).until(() -> a.callLog(newCall).size() + b.callLog(newCall).size() == 4);
    }

    @Test
    void aRequestCutShortByAnOutageLeavesNoCallBehind() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start();
             CuttingProxy proxy = CuttingProxy.to(redis.port());
             TestServer a = TestServer.start(node(proxy.uri(), "a"));
             WsClient station = a.signIn("st-test-01", Role.STATION)) {
            // Redis goes between the two writes of a request: the call is written, its queue entry is not
            proxy.cutAt(scriptDigest("queue-add.lua"), Duration.ofMillis(1500));
            station.send(new ClientMessage.CallRequest("r-1", "MI-001", false));
            ServerMessage.Error refused = station.await(ServerMessage.Error.class);
            assertThat(refused.code()).isEqualTo(ErrorCode.STATE_UNAVAILABLE);
            assertThat(refused.re()).isEqualTo("r-1");

            await().atMost(RECOVERY).until(() -> ready(a) == 200);
            await().atMost(RECOVERY).until(() -> a.callLog().stream().anyMatch(l -> "STATE_UNAVAILABLE".equals(
                    l.path("cause").asText())));
            String undone = a.callLog().get(0).path("callId").asText();
            assertThat(a.callLog()).as("the half-created call is ended in the log, and was never queued there")
                    .extracting(l -> l.path("event").asText()).containsExactly("ended");
            station.send(new ClientMessage.CallRequest("r-2", "MI-001", false));
            ServerMessage.CallQueued queued = station.await(ServerMessage.CallQueued.class);
            assertThat(queued.re()).as("not ALREADY_IN_CALL: nothing of the first request is left").isEqualTo("r-2");
            assertThat(queued.callId()).isNotEqualTo(undone);
            assertThat(queued.position()).isEqualTo(1);
        }
    }

    @Test
    void aPartyThatSignsOutDuringAnOutageEndsItsCallWhenRedisReturns() throws Exception {
        try (PrivateRedis redis = PrivateRedis.start();
             CuttingProxy proxy = CuttingProxy.to(redis.port());
             TestServer a = TestServer.start(node(proxy.uri(), "a"));
             WsClient agent = a.availableAgent("ag-mi-01");
             WsClient station = a.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            proxy.cutAll(Duration.ofSeconds(2)); // Redis unreachable, its data intact
            await().atMost(RECOVERY).until(() -> ready(a) == 503);
            station.send(new ClientMessage.Bye("b-1"));
            assertThat(station.await(ServerMessage.Ok.class).re()).isEqualTo("b-1");

            ServerMessage.CallEnded ended = agent.await(ServerMessage.CallEnded.class); // once Redis is back
            assertThat(ended.callId()).isEqualTo(callId);
            assertThat(ended.cause()).isEqualTo("SIGNED_OUT");
            assertThat(ready(a)).isEqualTo(200);
            await().atMost(RECOVERY).until(() -> a.callLog(callId).size() == 4);
            assertThat(a.callLog(callId).get(3).path("cause").asText()).isEqualTo("SIGNED_OUT");
        }
    }

    /** The digest lettuce names a script by in EVALSHA: the SHA-1 of the script as Scripts loads it. */
    private static String scriptDigest(String file) throws Exception {
        String source = resource("lib.lua") + "\n" + resource(file);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(
                StandardCharsets.UTF_8)));
    }

    private static String resource(String file) throws Exception {
        try (InputStream in = Scripts.class.getResourceAsStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static WsClient resume(TestServer server, WsClient dropped) {
        WsClient again = server.connect();
        ServerMessage.Welcome welcome = again.hello(server.token("st-test-01", Role.STATION),
                new ClientMessage.Resume(dropped.welcome().sessionId(), dropped.lastSeq()));
        assertThat(welcome.resumed()).isTrue();
        return again;
    }

    /** SDP one way and ICE the other, between the parties of a call who are both on one node. */
    private static void talk(WsClient station, WsClient agent, String callId, String when) {
        station.send(new ClientMessage.Sdp(null, callId, new Media.SessionDescription("offer", "v=0 " + when)));
        assertThat(agent.await(ServerMessage.Sdp.class).description().sdp()).isEqualTo("v=0 " + when);
        agent.send(new ClientMessage.Ice(null, callId, new Media.IceCandidate("candidate:1 1 udp 1 10.0.0.1 9 typ"
                + " host", "0", 0, null)));
        assertThat(station.await(ServerMessage.Ice.class).callId()).isEqualTo(callId);
    }

    /** What the nodes wrote back into the empty Redis: themselves, their sessions, the call in progress. */
    private static void assertWrittenBack(PrivateRedis redis, String callId) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisKeys keys = new RedisKeys("doorstep");
            await().atMost(RECOVERY).untilAsserted(() -> {
                assertThat(connection.sync().exists(keys.node("a"), keys.node("b"))).isEqualTo(2);
                assertThat(connection.sync().hget(keys.sessions(), "st-test-01")).startsWith("a\t");
                assertThat(connection.sync().hget(keys.sessions(), "ag-mi-02")).startsWith("b\t");
                assertThat(connection.sync().hget(keys.call(callId), "state")).isEqualTo("CONNECTED");
                assertThat(connection.sync().hget(keys.agent("ag-mi-01"), "state")).isEqualTo("BUSY");
            });
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static int ready(TestServer server) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(server.httpUri("/ready")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int redisUp(TestServer server) throws Exception {
        Matcher m = REDIS_UP.matcher(server.metrics());
        assertThat(m.find()).as("the gauge doorstep_cluster_redis_up").isTrue();
        return (int) Double.parseDouble(m.group(1));
    }
}
