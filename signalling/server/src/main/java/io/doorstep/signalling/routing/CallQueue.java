package io.doorstep.signalling.routing;

import java.util.List;

/**
 * The queues of waiting calls, one per skill group. A call keeps its entry while it rings at an agent, so an
 * unanswered offer leaves it at the head. Owned by one thread; a cluster implementation keeps it in Redis.
 */
public interface CallQueue {
    /** Adds a call behind the calls of its class (priority or normal) already waiting. */
    QueueEntry enqueue(String callId, String skillGroup, boolean priority, long now);

    /** Removes a call; false if it was not queued. */
    boolean remove(String callId);

    /** The entries of a skill group in queue order. */
    List<QueueEntry> entries(String skillGroup);

    /** The skill groups that have waiting calls. */
    List<String> skillGroups();
}
