package io.doorstep.signalling.directory;

import io.doorstep.protocol.Role;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Who may sign in: stations, agents and operators by id. Immutable; ids are unique across all three. */
public final class Directory {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{2,63}");

    private final Map<String, Station> stations = new LinkedHashMap<>();
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private final Map<String, Operator> operators = new LinkedHashMap<>();

    public Directory(List<Station> stations, List<Agent> agents, List<Operator> operators,
                     ServiceCatalogue catalogue) {
        stations.forEach(s -> add(this.stations, s.id(), s));
        agents.forEach(a -> {
            add(this.agents, a.id(), a);
            DirectoryException.check(!a.skillGroups().isEmpty(), "agent " + a.id() + " has no skill groups");
            a.skillGroups().forEach(g -> DirectoryException.check(catalogue.hasSkillGroup(g),
                    "agent " + a.id() + " names unknown skill group " + g));
        });
        operators.forEach(o -> add(this.operators, o.id(), o));
    }

    private <T> void add(Map<String, T> map, String id, T entry) {
        DirectoryException.check(id != null && ID.matcher(id).matches(),
                "id '" + id + "' must be 3..64 characters of a-z, 0-9 and '-'");
        DirectoryException.check(roleOf(id).isEmpty(), "duplicate id " + id);
        map.put(id, entry);
    }

    /** The role under which an id is listed, if it is listed. */
    public Optional<Role> roleOf(String id) {
        if (stations.containsKey(id)) {
            return Optional.of(Role.STATION);
        }
        if (agents.containsKey(id)) {
            return Optional.of(Role.AGENT);
        }
        return operators.containsKey(id) ? Optional.of(Role.OPERATOR) : Optional.empty();
    }

    /** The display name of a listed id. */
    public String nameOf(String id) {
        if (stations.containsKey(id)) {
            return stations.get(id).name();
        }
        if (agents.containsKey(id)) {
            return agents.get(id).name();
        }
        return operators.containsKey(id) ? operators.get(id).name() : id;
    }

    public Optional<Station> station(String id) {
        return Optional.ofNullable(stations.get(id));
    }

    public Optional<Agent> agent(String id) {
        return Optional.ofNullable(agents.get(id));
    }

    public Collection<Station> stations() {
        return stations.values();
    }

    public Collection<Agent> agents() {
        return agents.values();
    }

    public Collection<Operator> operators() {
        return operators.values();
    }
}
