package io.doorstep.signalling.directory;

import java.util.Set;

/** An acceptance-centre agent and the skill groups whose calls it handles. */
public record Agent(String id, String name, Set<String> skillGroups) {
    public Agent {
        skillGroups = Set.copyOf(skillGroups);
    }
}
