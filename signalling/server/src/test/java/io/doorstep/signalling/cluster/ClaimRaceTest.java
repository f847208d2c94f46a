package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.AgentState;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallState;
import io.doorstep.signalling.call.CallStore;
import io.doorstep.signalling.routing.AgentRegistry;
import io.doorstep.signalling.routing.AgentStatus;
import io.doorstep.signalling.routing.Assignments;
import io.doorstep.signalling.routing.Assignments.Claim;
import io.doorstep.signalling.routing.Staffing;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many nodes race to offer the same calls to the same agents, each on its own connection: every node tries every
 * (call, agent) pair, in its own random order. Redis must let each call ring at exactly one agent and each agent be
 * offered exactly one call, and leave its indexes in step with what was claimed.
 */
class ClaimRaceTest {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    private static final int NODES = 4, AGENTS = 40, CALLS = 40;

    @Test
    void noCallRingsTwiceAndNoAgentIsOfferedTwoCalls() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        CallStore calls = new RedisCallStore(REDIS.commands(), keys, "node-0");
        AgentRegistry agents = new RedisAgentRegistry(REDIS.commands(), keys);
        RedisCallQueue queue = new RedisCallQueue(REDIS.commands(), keys);
        List<Call> queued = new ArrayList<>();
        List<AgentStatus> available = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            Call call = Call.queued("c-" + i, "st-" + i, "MI-001", "g", i % 5 == 0, 1_000 + i);
            calls.put(call);
            queue.enqueue(call.id(), "g", call.priority(), call.queuedAt());
            queued.add(call);
        }
        for (int i = 0; i < AGENTS; i++) {
            AgentStatus agent = new AgentStatus("ag-" + i, Set.of("g", "h"), AgentState.AVAILABLE, i, i, null, true);
            agents.put(agent);
            available.add(agent);
        }

        Map<String, String> agentOfCall = new ConcurrentHashMap<>();
        Map<String, String> callOfAgent = new ConcurrentHashMap<>();
        List<String> doubles = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger lost = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(NODES);
        try {
            List<Future<?>> nodes = new ArrayList<>();
            for (int n = 0; n < NODES; n++) {
                RedisCommands<String, String> connection = REDIS.newConnection();
                long seed = n;
                nodes.add(pool.submit(() -> {
                    Assignments assignments = new RedisAssignments(connection, keys);
                    List<int[]> pairs = new ArrayList<>();
                    for (int c = 0; c < CALLS; c++) {
                        for (int a = 0; a < AGENTS; a++) {
                            pairs.add(new int[] {c, a});
                        }
                    }
                    Collections.shuffle(pairs, new Random(seed));
                    start.await();
                    for (int[] pair : pairs) {
                        Call call = queued.get(pair[0]);
                        AgentStatus agent = available.get(pair[1]);
                        Claim claim = assignments.claim(call.offer(agent.agentId(), 5_000),
                                agent.withState(AgentState.OFFERED, call.id(), 5_000));
                        if (claim == Claim.CLAIMED) {
                            if (agentOfCall.putIfAbsent(call.id(), agent.agentId()) != null) {
                                doubles.add("call " + call.id() + " offered twice");
                            }
                            if (callOfAgent.putIfAbsent(agent.agentId(), call.id()) != null) {
                                doubles.add("agent " + agent.agentId() + " offered two calls");
                            }
                        } else {
                            lost.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> node : nodes) {
                node.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(doubles).isEmpty();
        // Every pair was tried by every node and nothing is ever released, so a call and an agent both left free
        // would have been claimed together: with as many calls as agents, all are matched.
        assertThat(agentOfCall).hasSize(CALLS);
        assertThat(callOfAgent).hasSize(AGENTS);
        assertThat(lost.get()).isEqualTo(NODES * CALLS * AGENTS - CALLS);
        for (Call call : calls.all()) {
            assertThat(call.state()).isEqualTo(CallState.OFFERED);
            assertThat(call.offeredTo()).isEqualTo(agentOfCall.get(call.id()));
            assertThat(call.offers()).isEqualTo(1);
        }
        for (AgentStatus agent : agents.all()) {
            assertThat(agent.state()).isEqualTo(AgentState.OFFERED);
            assertThat(agent.callId()).isEqualTo(callOfAgent.get(agent.agentId()));
            assertThat(calls.activeCallOf(agent.agentId())).map(Call::id).contains(agent.callId());
        }
        assertThat(agents.available("g")).isEmpty();
        assertThat(agents.available("h")).isEmpty();
        assertThat(agents.staffing("g")).isEqualTo(new Staffing(0, AGENTS));
        assertThat(agents.count(AgentState.OFFERED)).isEqualTo(AGENTS);
        assertThat(agents.count(AgentState.AVAILABLE)).isZero();
    }
}
