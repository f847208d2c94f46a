package io.doorstep.signalling.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CallQueue} must do, run against each implementation (in memory, Redis): a subclass supplies a
 * new, empty queue per test.
 */
public abstract class CallQueueContract {
    private final CallQueue queue = newQueue();

    protected abstract CallQueue newQueue();

    private List<String> ids(String group) {
        return queue.entries(group).stream().map(QueueEntry::callId).toList();
    }

    @Test
    void priorityCallsFirstThenByArrival() {
        queue.enqueue("c1", "g", false, 100);
        queue.enqueue("c2", "g", true, 200);
        queue.enqueue("c3", "g", false, 300);
        queue.enqueue("c4", "g", true, 400);
        queue.enqueue("c5", "g", false, 500);
        assertThat(ids("g")).containsExactly("c2", "c4", "c1", "c3", "c5");
    }

    @Test
    void arrivalOrderHoldsEvenWithTheSameTimestamp() {
        for (int i = 1; i <= 20; i++) {
            queue.enqueue("c" + i, "g", false, 1_000);
        }
        assertThat(ids("g")).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "c" + i).toList());
    }

    @Test
    void queuesAreSeparatePerSkillGroup() {
        queue.enqueue("a1", "a", false, 1);
        queue.enqueue("b1", "b", true, 2);
        queue.enqueue("a2", "a", true, 3);
        assertThat(ids("a")).containsExactly("a2", "a1");
        assertThat(ids("b")).containsExactly("b1");
        assertThat(ids("none")).isEmpty();
        assertThat(queue.skillGroups()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void removeTakesOutOneCallAndKeepsTheOrderOfTheRest() {
        queue.enqueue("c1", "g", false, 1);
        queue.enqueue("c2", "g", false, 2);
        queue.enqueue("c3", "g", true, 3);
        assertThat(queue.remove("c1")).isTrue();
        assertThat(queue.remove("c1")).as("already gone").isFalse();
        assertThat(queue.remove("nope")).isFalse();
        assertThat(ids("g")).containsExactly("c3", "c2");
        assertThat(queue.remove("c3")).isTrue();
        assertThat(queue.remove("c2")).isTrue();
        assertThat(ids("g")).isEmpty();
        assertThat(queue.skillGroups()).as("an empty queue is not listed").isEmpty();
        queue.enqueue("c4", "g", false, 4);
        assertThat(ids("g")).containsExactly("c4");
    }

    @Test
    void entriesAreASnapshotWithTheirDetails() {
        QueueEntry e = queue.enqueue("c1", "g", true, 42);
        assertThat(e.callId()).isEqualTo("c1");
        assertThat(e.skillGroup()).isEqualTo("g");
        assertThat(e.priority()).isTrue();
        assertThat(e.enqueuedAt()).isEqualTo(42);
        List<QueueEntry> snapshot = queue.entries("g");
        queue.enqueue("c2", "g", true, 43);
        assertThat(snapshot).hasSize(1);
        assertThat(queue.entries("g")).hasSize(2);
    }
}
