package io.doorstep.signalling.cluster;

import io.doorstep.protocol.AgentState;
import io.doorstep.signalling.cluster.Scripts.Name;
import io.doorstep.signalling.routing.AgentRegistry;
import io.doorstep.signalling.routing.AgentStatus;
import io.doorstep.signalling.routing.Staffing;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The agents in Redis, shared by every node: a hash per agent, and indexes kept in step by the same script that
 * writes it (routable agents per skill group by idle time, agents on duty per group, agents per state). One round
 * trip per call.
 */
public final class RedisAgentRegistry implements AgentRegistry {
    private final RedisClusterCommands<String, String> redis;
    private final RedisKeys keys;
    private final Scripts scripts;

    public RedisAgentRegistry(RedisClusterCommands<String, String> redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = new Scripts(redis, keys);
    }

    @Override
    public void put(AgentStatus status) {
        scripts.run(Name.AGENT_PUT, ScriptOutputType.INTEGER, Codec.args(Codec.agentFields(status), status.agentId()));
    }

    @Override
    public boolean replace(AgentStatus expected, AgentStatus next) {
        List<String> fields = Codec.agentFields(next).subList(0, Codec.AGENT_FIELDS - 1);
        long written = scripts.run(Name.AGENT_REPLACE, ScriptOutputType.INTEGER, Codec.args(fields,
                expected.agentId(), expected.state().name(), Codec.text(expected.callId()),
                Long.toString(expected.stateSince())));
        return written == 1;
    }

    @Override
    public Optional<AgentStatus> setOnline(String agentId, boolean online) {
        List<List<Object>> rows = scripts.run(Name.AGENT_ONLINE, ScriptOutputType.MULTI, agentId, online ? "1" : "0");
        return rows.stream().map(Codec::agent).findFirst();
    }

    @Override
    public Optional<AgentStatus> get(String agentId) {
        return read("one", agentId).stream().findFirst();
    }

    @Override
    public void remove(String agentId) {
        scripts.run(Name.AGENT_REMOVE, ScriptOutputType.INTEGER, agentId);
    }

    @Override
    public List<AgentStatus> available(String skillGroup) {
        return read("available", skillGroup, "0", "-1");
    }

    /** One round trip, reading only the page's agents. */
    @Override
    public List<AgentStatus> available(String skillGroup, int offset, int limit) {
        Objects.checkFromIndexSize(offset, limit, Integer.MAX_VALUE);
        return limit == 0 ? List.of()
                : read("available", skillGroup, Integer.toString(offset), Integer.toString(offset + limit - 1));
    }

    @Override
    public Staffing staffing(String skillGroup) {
        List<Long> counts = scripts.run(Name.AGENT_STAFFING, ScriptOutputType.MULTI, skillGroup);
        return new Staffing(counts.get(0).intValue(), counts.get(1).intValue());
    }

    @Override
    public Collection<AgentStatus> all() {
        return read("all", "");
    }

    @Override
    public int count(AgentState state) {
        return redis.scard(keys.agentsIn(state.name())).intValue();
    }

    @Override
    public Map<AgentState, Integer> counts() {
        AgentState[] states = AgentState.values();
        List<Long> counts = scripts.run(Name.AGENT_COUNTS, ScriptOutputType.MULTI,
                Arrays.stream(states).map(AgentState::name).toArray(String[]::new));
        Map<AgentState, Integer> byState = new EnumMap<>(AgentState.class);
        for (int i = 0; i < states.length; i++) {
            byState.put(states[i], counts.get(i).intValue());
        }
        return byState;
    }

    private List<AgentStatus> read(String... args) {
        List<List<Object>> rows = scripts.run(Name.AGENT_READ, ScriptOutputType.MULTI, args);
        return rows.stream().map(Codec::agent).toList();
    }
}
