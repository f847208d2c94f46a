package io.doorstep.signalling.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Queues in memory, one sorted set per skill group. Not thread-safe: one owner. */
public final class InMemoryCallQueue implements CallQueue {
    private final Map<String, TreeSet<QueueEntry>> queues = new HashMap<>();
    private final Map<String, QueueEntry> byCall = new HashMap<>();
    private long order;

    @Override
    public QueueEntry enqueue(String callId, String skillGroup, boolean priority, long now) {
        QueueEntry entry = new QueueEntry(callId, skillGroup, priority, now, ++order);
        queues.computeIfAbsent(skillGroup, g -> new TreeSet<>()).add(entry);
        byCall.put(callId, entry);
        return entry;
    }

    @Override
    public boolean remove(String callId) {
        QueueEntry entry = byCall.remove(callId);
        if (entry == null) {
            return false;
        }
        TreeSet<QueueEntry> q = queues.get(entry.skillGroup());
        q.remove(entry);
        if (q.isEmpty()) {
            queues.remove(entry.skillGroup());
        }
        return true;
    }

    @Override
    public List<QueueEntry> entries(String skillGroup) {
        TreeSet<QueueEntry> q = queues.get(skillGroup);
        return q == null ? List.of() : List.copyOf(q);
    }

    @Override
    public List<String> skillGroups() {
        return new ArrayList<>(queues.keySet());
    }
}
