package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.routing.AgentStatus;
import io.doorstep.signalling.routing.Assignments.Claim;
import io.doorstep.signalling.routing.QueueEntry;
import io.doorstep.signalling.session.TestSessions;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node that stops beating its heart is seen as dead by the others; one survivor reclaims its calls, which keep
 * their places in the queue and can be offered to the survivor's agents.
 */
class NodeLivenessTest {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    private static final Duration TIMEOUT = Duration.ofMillis(400);

    private static NodeRegistry node(RedisCommands<String, String> redis, RedisKeys keys, String id) {
        return new NodeRegistry(redis, keys, id, TIMEOUT, Clock.systemUTC());
    }

    @Test
    void aSilentNodeIsDeadAndExactlyOneSurvivorReclaimsItsQueuedCalls() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        RedisCommands<String, String> redisA = REDIS.newConnection(), redisB = REDIS.newConnection();
        NodeRegistry a = node(redisA, keys, "a");
        NodeRegistry b = node(redisB, keys, "b");
        NodeRegistry c = node(REDIS.newConnection(), keys, "c");
        a.register();
        b.register();
        c.register();

        RedisCallStore callsA = new RedisCallStore(redisA, keys, "a");
        RedisCallQueue queueA = new RedisCallQueue(redisA, keys);
        for (int i = 1; i <= 3; i++) {
            callsA.put(Call.queued("c-" + i, "st-" + i, "MI-001", "g", i == 3, i));
            queueA.enqueue("c-" + i, "g", i == 3, i);
        }
        RedisSessionDirectory sessionsA = new RedisSessionDirectory(redisA, keys, "a");
        sessionsA.put(TestSessions.of("s-1", "st-1", Role.STATION));

        // a falls silent; b and c keep beating
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            assertThat(b.heartbeat()).isTrue();
            assertThat(c.heartbeat()).isTrue();
            return b.deadNodes().contains("a");
        });
        assertThat(b.deadNodes()).containsExactly("a");

        Optional<NodeRegistry.Reclaimed> won = b.reclaim("a");
        assertThat(c.reclaim("a")).as("one survivor only").isEmpty();
        assertThat(won).hasValueSatisfying(r -> {
            assertThat(r.callIds()).containsExactlyInAnyOrder("c-1", "c-2", "c-3");
            assertThat(r.identities()).containsExactly("st-1");
        });
        assertThat(b.deadNodes()).isEmpty();
        assertThat(a.heartbeat()).as("a learns it was taken for dead").isFalse();

        RedisCallStore callsB = new RedisCallStore(redisB, keys, "b");
        assertThat(callsB.ownedBy("b")).containsExactlyInAnyOrder("c-1", "c-2", "c-3");
        assertThat(callsB.owner("c-2")).contains("b");
        assertThat(new RedisSessionDirectory(redisB, keys, "b").locate("st-1")).isEmpty();
        assertThat(new RedisCallQueue(redisB, keys).entries("g")).extracting(QueueEntry::callId)
                .containsExactly("c-3", "c-1", "c-2");

        RedisAgentRegistry agentsB = new RedisAgentRegistry(redisB, keys);
        AgentStatus agent = new AgentStatus("ag-1", Set.of("g"), AgentState.AVAILABLE, 1, 1, null, true);
        agentsB.put(agent);
        Call orphan = callsB.get("c-3").orElseThrow();
        assertThat(new RedisAssignments(redisB, keys).claim(orphan.offer("ag-1", 10),
                agent.withState(AgentState.OFFERED, "c-3", 10))).isEqualTo(Claim.CLAIMED);
    }

    @Test
    void aNodeIdInUseIsRefusedAndFreeAgainAfterALeave() {
        RedisKeys keys = REDIS.newKeys();
        NodeRegistry first = node(REDIS.commands(), keys, "n");
        first.register();
        assertThatThrownBy(() -> node(REDIS.commands(), keys, "n").register())
                .isInstanceOf(NodeRegistry.NodeIdInUseException.class).hasMessageContaining("cluster.node-id n");
        first.leave();
        NodeRegistry second = node(REDIS.commands(), keys, "n");
        second.register();
        assertThat(second.heartbeat()).isTrue();
        assertThat(first.heartbeat()).as("the old run's token is no longer the key's").isFalse();
    }

    @Test
    void aNodeWhoseKeyLapsedWhileRedisWasAwayJoinsAgainUnlessReclaimed() {
        RedisKeys keys = REDIS.newKeys();
        RedisCommands<String, String> redis = REDIS.commands();
        NodeRegistry a = node(REDIS.newConnection(), keys, "a");
        NodeRegistry b = node(REDIS.newConnection(), keys, "b");
        a.register();
        b.register();

        redis.del(keys.node("a")); // Redis was away longer than the timeout: a's key expired, nobody reclaimed it yet
        assertThat(b.deadNodes()).containsExactly("a");
        assertThat(a.heartbeat()).as("a joins again").isTrue();
        assertThat(redis.exists(keys.node("a"))).isOne();
        assertThat(b.deadNodes()).isEmpty();
        assertThat(b.reclaim("a")).as("a live node is not reclaimed").isEmpty();

        redis.del(keys.node("a"));
        assertThat(b.reclaim("a")).as("a survivor came first this time").isPresent();
        assertThat(a.heartbeat()).as("a reclaimed node stays taken for dead").isFalse();
        assertThat(redis.exists(keys.node("a"))).isZero();
    }

    @Test
    void aNodeWhoseRedisCameBackWithoutItsDataJoinsAgain() {
        RedisKeys keys = REDIS.newKeys();
        RedisCommands<String, String> redis = REDIS.commands();
        NodeRegistry a = node(REDIS.newConnection(), keys, "a");
        a.register();

        redis.del(keys.node("a"), keys.nodes(), keys.joined()); // as a Redis restarted without persistence
        assertThat(a.heartbeat()).isTrue();
        assertThat(redis.exists(keys.node("a"))).isOne();
        assertThat(redis.zscore(keys.nodes(), "a")).isNotNull();
        a.leave();
        assertThat(redis.sismember(keys.joined(), "a")).as("a node that left is forgotten").isFalse();
    }
}
