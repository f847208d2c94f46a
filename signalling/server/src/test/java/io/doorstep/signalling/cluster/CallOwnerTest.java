package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import io.doorstep.signalling.session.SessionManager;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events of one call seen on different nodes are applied by its owner, one at a time (docs/cluster.md §3), and the
 * queue changes of one node reach the stations of the others (§5).
 */
class CallOwnerTest {
    private static final ProtocolCodec CODEC = new ProtocolCodec();
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();
    private static final long RING_TIMEOUT_MS = 400;

    static Map<String, String> onRedis(RedisKeys keys, String nodeId, Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("DOORSTEP_CLUSTER_STATE", "redis",
                "DOORSTEP_CLUSTER_REDIS_URI", RedisExtension.URI, "DOORSTEP_CLUSTER_KEY_PREFIX", keys.prefix(),
                "DOORSTEP_CLUSTER_NODE_ID", nodeId, "DOORSTEP_ROUTING_WRAP_UP", "0s"));
        env.putAll(more);
        return env;
    }

    /**
     * The station's call is owned by node a, the agent is on node b. The offer is made by a (the agent was free when
     * the call came) or by b (the agent became free after), so the ring timer runs on either node; the agent's accept
     * arrives at b just as it fires. Both go to a, which applies one and finds the other too late: the call is either
     * connected or back in the queue with the agent away, never both.
     */
    @Test
    void anAcceptRacingTheRingTimeoutResolvesToOneOutcome() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        RedisCommands<String, String> redis = REDIS.commands();
        Map<String, String> ring = Map.of("DOORSTEP_ROUTING_RING_TIMEOUT", RING_TIMEOUT_MS + "ms");
        List<String> outcomes = new ArrayList<>();
        try (TestServer a = TestServer.start(onRedis(keys, "a", ring));
             TestServer b = TestServer.start(onRedis(keys, "b", ring));
             WsClient agent = b.availableAgent("ag-mi-01");
             WsClient station = a.signIn("st-test-01", Role.STATION)) {
            for (int round = 0; round < 12; round++) {
                boolean offeredByB = round % 2 == 1;
                if (offeredByB) {
                    agent.send(new ClientMessage.SetAgentState(null, AgentState.AWAY));
                    agent.await(ServerMessage.AgentStateChanged.class, s -> s.state() == AgentState.AWAY);
                }
                station.send(new ClientMessage.CallRequest(null, "MI-001", false));
                String callId = station.await(ServerMessage.CallQueued.class).callId();
                if (offeredByB) {
                    agent.setAvailable();
                }
                ServerMessage.CallOffer offer = agent.await(ServerMessage.CallOffer.class);
                assertThat(offer.callId()).isEqualTo(callId);
                Thread.sleep(RING_TIMEOUT_MS - 40 + (round * 17) % 80); // around the moment the timer fires
                String accept = agent.nextId();
                agent.send(new ClientMessage.CallAccept(accept, callId));

                List<ServerMessage> seen = agent.drain(Duration.ofMillis(700));
                boolean connected = seen.stream().anyMatch(m -> m instanceof ServerMessage.CallConnected c
                        && c.callId().equals(callId));
                boolean withdrawn = seen.stream().anyMatch(m -> m instanceof ServerMessage.OfferWithdrawn w
                        && w.callId().equals(callId));
                assertThat(connected).as("round %d: connected or withdrawn, not both: %s", round, seen)
                        .isNotEqualTo(withdrawn);
                if (connected) {
                    outcomes.add("connected");
                    station.await(ServerMessage.CallConnected.class);
                    assertThat(redis.hget(keys.call(callId), "state")).isEqualTo("CONNECTED");
                    assertThat(redis.hget(keys.agent("ag-mi-01"), "state")).isEqualTo("BUSY");
                    station.send(new ClientMessage.CallHangup(null, callId, null));
                    agent.await(ServerMessage.CallEnded.class);
                    agent.await(ServerMessage.AgentStateChanged.class, s -> s.state() == AgentState.AVAILABLE);
                    station.await(ServerMessage.CallEnded.class, e -> e.callId().equals(callId));
                } else {
                    outcomes.add("rang out");
                    assertThat(seen).as("the late accept is refused").anyMatch(m -> m instanceof ServerMessage.Error e
                            && accept.equals(e.re()));
                    assertThat(redis.hget(keys.call(callId), "state")).isEqualTo("QUEUED");
                    assertThat(redis.hget(keys.call(callId), "offeredTo")).isEmpty();
                    assertThat(redis.hget(keys.agent("ag-mi-01"), "state")).isEqualTo("AWAY");
                    station.send(new ClientMessage.CallCancel(null, callId));
                    // available only once the cancel is applied: else the agent's node may offer the call first
                    station.await(ServerMessage.CallEnded.class, e -> e.callId().equals(callId));
                    agent.setAvailable();
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> redis.exists(keys.call(callId)) == 0);
            }
        }
        System.out.println("accept racing the ring timeout, outcomes: " + outcomes);
    }

    /**
     * The agent of a call owned by node a signs in afresh on node c while the close of its old session (on b, its
     * grace run out) is still on its way to a; arriving after the new sign-in, that close is stale and ends nothing:
     * the call goes on with the new session, and the station next hears of the agent's hang-up.
     */
    @Test
    void aStaleCloseOfAnAgentsOldSessionEndsNothing() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        try (TestServer a = TestServer.start(onRedis(keys, "a", Map.of()));
             TestServer b = TestServer.start(onRedis(keys, "b", Map.of()));
             TestServer c = TestServer.start(onRedis(keys, "c", Map.of()));
             WsClient agent = b.availableAgent("ag-mi-01");
             WsClient station = a.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            try (WsClient again = c.signIn("ag-mi-01", Role.AGENT)) {
                agent.awaitClose();
                again.await(ServerMessage.CallConnected.class);
                OwnerEvent staleClose = new OwnerEvent("ag-mi-01", Role.AGENT, agent.welcome().sessionId(),
                        OwnerEvent.Kind.CLOSED, SessionManager.GRACE_EXPIRED, null);
                assertThat(REDIS.commands().publish(keys.channel("a"), SessionChannel.forOwner(CODEC, staleClose)))
                        .isEqualTo(1);
                again.send(new ClientMessage.CallHangup(null, callId, null));

                ServerMessage.CallEnded ended = station.await(ServerMessage.CallEnded.class);
                assertThat(ended.by()).isEqualTo(Role.AGENT);
                assertThat(ended.cause()).isNotEqualTo("AGENT_LOST");
                assertThat(REDIS.commands().hget(keys.agent("ag-mi-01"), "state")).isNotNull();
            }
        }
    }

    /**
     * A station on node a waits behind a call from a station on node b; an agent on node c takes that call: a hears
     * of the change (the queue-changes channel) and tells its station it is now first. Then the agent, free again,
     * is offered a's call.
     */
    @Test
    void aStationSeesItsPlaceChangeWhenACallOfAnotherNodeAheadOfItIsTaken() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        try (TestServer a = TestServer.start(onRedis(keys, "a", Map.of()));
             TestServer b = TestServer.start(onRedis(keys, "b", Map.of()));
             TestServer c = TestServer.start(onRedis(keys, "c", Map.of()));
             WsClient agent = c.signIn("ag-mi-01", Role.AGENT);
             WsClient first = b.signIn("st-test-01", Role.STATION);
             WsClient second = a.signIn("st-test-02", Role.STATION)) {
            first.send(new ClientMessage.CallRequest(null, "MI-001", false));
            String firstCall = first.await(ServerMessage.CallQueued.class).callId();
            second.send(new ClientMessage.CallRequest(null, "MI-001", false));
            ServerMessage.CallQueued queued = second.await(ServerMessage.CallQueued.class);
            assertThat(queued.position()).isEqualTo(2);

            agent.setAvailable();
            assertThat(agent.await(ServerMessage.CallOffer.class).callId()).isEqualTo(firstCall);
            agent.send(new ClientMessage.CallAccept(null, firstCall));
            first.await(ServerMessage.CallConnected.class);
            assertThat(second.await(ServerMessage.CallQueued.class, q -> q.position() == 1).callId())
                    .isEqualTo(queued.callId());

            agent.send(new ClientMessage.CallHangup(null, firstCall, null));
            first.await(ServerMessage.CallEnded.class);
            assertThat(agent.await(ServerMessage.CallOffer.class).callId()).isEqualTo(queued.callId());
        }
    }
}
