package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.AgentState;
import io.doorstep.signalling.routing.AgentRegistry;
import io.doorstep.signalling.routing.AgentRegistryContract;
import io.doorstep.signalling.routing.AgentStatus;
import io.doorstep.signalling.routing.Staffing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisAgentRegistryTest extends AgentRegistryContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected AgentRegistry newRegistry() {
        return new RedisAgentRegistry(REDIS.commands(), REDIS.newKeys());
    }

    @Test
    void nodesSeeEachOthersAgents() {
        RedisKeys keys = REDIS.newKeys();
        AgentRegistry a = new RedisAgentRegistry(REDIS.newConnection(), keys);
        AgentRegistry b = new RedisAgentRegistry(REDIS.newConnection(), keys);
        a.put(away("x", 0, "g").withState(AgentState.AVAILABLE, null, 200));
        b.put(away("y", 0, "g").withState(AgentState.AVAILABLE, null, 100));
        assertThat(a.available("g")).extracting(AgentStatus::agentId).containsExactly("y", "x");
        assertThat(b.staffing("g")).isEqualTo(new Staffing(2, 2));
        a.remove("y");
        assertThat(b.available("g")).extracting(AgentStatus::agentId).containsExactly("x");
        assertThat(b.count(AgentState.AVAILABLE)).isEqualTo(1);
    }

    @Test
    void removingEveryAgentLeavesNoKeyBehind() {
        RedisKeys keys = REDIS.newKeys();
        AgentRegistry registry = new RedisAgentRegistry(REDIS.commands(), keys);
        AgentStatus x = away("x", 0, "g", "h").withState(AgentState.AVAILABLE, null, 10);
        registry.put(x);
        registry.put(x.withState(AgentState.OFFERED, "c1", 20).withState(AgentState.BUSY, "c1", 30));
        registry.remove("x");
        assertThat(REDIS.keyCount(keys)).isZero();
    }
}
