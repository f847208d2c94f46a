package io.doorstep.signalling.routing;

import java.util.List;

/** A call's place in its skill group's queue: priority calls first, then by arrival. */
public record QueueEntry(String callId, String skillGroup, boolean priority, long enqueuedAt, long order)
        implements Comparable<QueueEntry> {

    @Override
    public int compareTo(QueueEntry o) {
        if (priority != o.priority) {
            return priority ? -1 : 1;
        }
        return Long.compare(order, o.order);
    }

    /** The calls of queue entries, to read them at once: one round trip in a cluster, not one per entry. */
    static List<String> callIds(List<QueueEntry> entries) {
        return entries.stream().map(QueueEntry::callId).toList();
    }
}
