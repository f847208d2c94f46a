package io.doorstep.signalling.routing;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Agents in memory with an index of routable agents per skill group by idle time. Not thread-safe: one owner. */
public final class InMemoryAgentRegistry implements AgentRegistry {
    private static final Comparator<AgentStatus> LONGEST_IDLE =
            Comparator.comparingLong(AgentStatus::idleSince).thenComparing(AgentStatus::agentId);

    private final Map<String, AgentStatus> agents = new LinkedHashMap<>();
    private final Map<String, TreeSet<AgentStatus>> routable = new HashMap<>();

    @Override
    public void put(AgentStatus status) {
        unindex(agents.put(status.agentId(), status));
        if (status.routable()) {
            status.skillGroups().forEach(g -> routable.computeIfAbsent(g, k -> new TreeSet<>(LONGEST_IDLE)).add(status));
        }
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
    public Collection<AgentStatus> all() {
        return agents.values();
    }

    private void unindex(AgentStatus old) {
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
