package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.AgentState;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.routing.AgentStatus;
import io.doorstep.signalling.routing.Assignments.Claim;
import io.doorstep.signalling.routing.AssignmentsContract;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisAssignmentsTest extends AssignmentsContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected Parts newParts() {
        RedisKeys keys = REDIS.newKeys();
        return new Parts(new RedisCallStore(REDIS.commands(), keys, "node-1"), new RedisCallQueue(REDIS.commands(), keys),
                new RedisAgentRegistry(REDIS.commands(), keys), new RedisAssignments(REDIS.commands(), keys));
    }

    /** What lets the owner end a queued call while other nodes may be claiming it (docs/cluster.md §3). */
    @Test
    void aCallTakenOutOfItsQueueCannotBeClaimed() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        RedisCallStore calls = new RedisCallStore(REDIS.commands(), keys, "node-1");
        RedisCallQueue queue = new RedisCallQueue(REDIS.commands(), keys);
        RedisAgentRegistry agents = new RedisAgentRegistry(REDIS.commands(), keys);
        Call call = Call.queued("c-1", "st-1", "MI-001", "g", false, 1_000);
        calls.put(call);
        queue.enqueue("c-1", "g", false, 1_000);
        AgentStatus agent = new AgentStatus("a", Set.of("g"), AgentState.AVAILABLE, 1, 1, null, true);
        agents.put(agent);
        queue.remove("c-1");
        assertThat(new RedisAssignments(REDIS.commands(), keys).claim(call.offer("a", 5_000),
                agent.withState(AgentState.OFFERED, "c-1", 5_000))).isEqualTo(Claim.CALL_TAKEN);
        assertThat(agents.get("a")).contains(agent);
    }
}
