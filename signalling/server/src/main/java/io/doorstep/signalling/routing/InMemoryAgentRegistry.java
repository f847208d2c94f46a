package io.doorstep.signalling.routing;

import io.doorstep.protocol.AgentState;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Agents in memory with an index of routable agents per skill group by idle time and a count of agents on duty per
 * group, both kept up to date on every change so that reading them costs nothing. Not thread-safe: one owner.
 */
public final class InMemoryAgentRegistry implements AgentRegistry {
    private static final Comparator<AgentStatus> LONGEST_IDLE =
            Comparator.comparingLong(AgentStatus::idleSince).thenComparing(AgentStatus::agentId);

    private final Map<String, AgentStatus> agents = new LinkedHashMap<>();
    private final Map<String, TreeSet<AgentStatus>> routable = new HashMap<>();
    private final Map<String, Integer> onDuty = new HashMap<>();
    private final Map<AgentState, Integer> byState = new EnumMap<>(AgentState.class);

    @Override
    public void put(AgentStatus status) {
        unindex(agents.put(status.agentId(), status));
        if (status.routable()) {
            status.skillGroups().forEach(g -> routable.computeIfAbsent(g, k -> new TreeSet<>(LONGEST_IDLE)).add(status));
        }
        if (onDuty(status)) {
            status.skillGroups().forEach(g -> onDuty.merge(g, 1, Integer::sum));
        }
        byState.merge(status.state(), 1, Integer::sum);
    }

    @Override
    public Optional<AgentStatus> get(String agentId) {
        return Optional.ofNullable(agents.get(agentId));
    }

    @Override
    public void remove(String agentId) {
        unindex(agents.remove(agentId));
    }

    @Override
    public List<AgentStatus> available(String skillGroup) {
        TreeSet<AgentStatus> set = routable.get(skillGroup);
        return set == null ? List.of() : List.copyOf(set);
    }

    @Override
    public List<AgentStatus> available(String skillGroup, int offset, int limit) {
        Objects.checkFromIndexSize(offset, limit, Integer.MAX_VALUE);
        TreeSet<AgentStatus> set = routable.get(skillGroup);
        return set == null ? List.of() : set.stream().skip(offset).limit(limit).toList();
    }

    @Override
    public Staffing staffing(String skillGroup) {
        TreeSet<AgentStatus> set = routable.get(skillGroup);
        return new Staffing(set == null ? 0 : set.size(), onDuty.getOrDefault(skillGroup, 0));
    }

    @Override
    public Collection<AgentStatus> all() {
        return agents.values();
    }

    @Override
    public int count(AgentState state) {
        return byState.getOrDefault(state, 0);
    }

    private static boolean onDuty(AgentStatus status) {
        return status.online() && status.state() != AgentState.AWAY;
    }

    private void unindex(AgentStatus old) {
        if (old != null) {
            byState.merge(old.state(), -1, Integer::sum);
        }
        if (old != null && onDuty(old)) {
            old.skillGroups().forEach(g -> onDuty.computeIfPresent(g, (k, n) -> n == 1 ? null : n - 1));
        }
        if (old != null && old.routable()) {
            old.skillGroups().forEach(g -> {
                TreeSet<AgentStatus> set = routable.get(g);
                set.remove(old);
                if (set.isEmpty()) {
                    routable.remove(g);
                }
            });
        }
    }
}
