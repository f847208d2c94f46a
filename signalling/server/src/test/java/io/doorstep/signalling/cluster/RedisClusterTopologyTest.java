package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Media;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code cluster.redis-topology: cluster}: nodes reach a Redis Cluster through RedisClusterClient (here a cluster of
 * one redis-server serving every slot, of the test's own): scripts, the stream and pub/sub work as on one Redis, so a
 * station on one node completes a call with an agent on another and the records reach the file.
 */
class RedisClusterTopologyTest {
    private static Map<String, String> node(PrivateRedis redis, String nodeId) {
        return Map.of("DOORSTEP_CLUSTER_STATE", "redis", "DOORSTEP_CLUSTER_REDIS_TOPOLOGY", "cluster",
                "DOORSTEP_CLUSTER_REDIS_URI", redis.uri(), "DOORSTEP_CLUSTER_NODE_ID", nodeId,
                "DOORSTEP_ROUTING_WRAP_UP", "0s");
    }

    @Test
    void nodesOnARedisClusterCompleteACallAcrossNodes() throws Exception {
        try (PrivateRedis redis = PrivateRedis.startCluster();
             TestServer a = TestServer.start(node(redis, "a"));
             TestServer b = TestServer.start(node(redis, "b"));
             WsClient agent = b.availableAgent("ag-mi-01");
             WsClient station = a.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            station.send(new ClientMessage.Sdp(null, callId, new Media.SessionDescription("offer", "v=0 from a")));
            assertThat(agent.await(ServerMessage.Sdp.class).description().sdp()).isEqualTo("v=0 from a");
            agent.send(new ClientMessage.CallHangup(null, callId, null));
            assertThat(station.await(ServerMessage.CallEnded.class).by()).isEqualTo(Role.AGENT);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> a.callLog(callId).size() + b.callLog(callId).size() == 4);
        }
    }
}
