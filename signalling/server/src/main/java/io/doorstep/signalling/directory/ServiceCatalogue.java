package io.doorstep.signalling.directory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The service items stations may call about, and their skill groups. Immutable. */
public final class ServiceCatalogue {
    private final Map<String, SkillGroup> groups = new LinkedHashMap<>();
    private final Map<String, ServiceItem> items = new LinkedHashMap<>();

    ServiceCatalogue(List<SkillGroup> groups, List<ServiceItem> items) {
        for (SkillGroup g : groups) {
            DirectoryException.check(this.groups.putIfAbsent(g.code(), g) == null, "duplicate skill group " + g.code());
        }
        for (ServiceItem item : items) {
            DirectoryException.check(item.code() != null && !item.code().isBlank(), "a service item has no code");
            DirectoryException.check(this.groups.containsKey(item.skillGroup()),
                    "service item " + item.code() + " names unknown skill group " + item.skillGroup());
            DirectoryException.check(item.handlingMinutes() > 0,
                    "service item " + item.code() + " needs positive handling-minutes");
            DirectoryException.check(this.items.putIfAbsent(item.code(), item) == null,
                    "duplicate service item " + item.code());
        }
    }

    public Optional<ServiceItem> item(String code) {
        return Optional.ofNullable(items.get(code));
    }

    public Collection<ServiceItem> items() {
        return items.values();
    }

    public Collection<SkillGroup> skillGroups() {
        return groups.values();
    }

    public boolean hasSkillGroup(String code) {
        return groups.containsKey(code);
    }

    /** The mean typical handling minutes of a group's items: the wait estimate's prior before real calls. */
    public double typicalHandlingMinutes(String skillGroup) {
        return items.values().stream()
                .filter(i -> i.skillGroup().equals(skillGroup))
                .mapToInt(ServiceItem::handlingMinutes)
                .average()
                .orElse(10);
    }
}
