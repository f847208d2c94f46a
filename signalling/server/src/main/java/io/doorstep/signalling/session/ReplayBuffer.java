package io.doorstep.signalling.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The server messages of one session that the client has not acknowledged, kept so that they can be replayed after
 * a reconnect. Bounded: when it overflows the oldest message is dropped and a resume that needs it is refused.
 */
final class ReplayBuffer {
    private record Entry(long seq, byte[] frame) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final int capacity;
    /** Every message with a seq up to this one has been acknowledged or dropped. */
    private long floor;

    ReplayBuffer(int capacity) {
        this.capacity = capacity;
    }

    void add(long seq, byte[] frame) {
        if (entries.size() == capacity) {
            floor = entries.removeFirst().seq();
        }
        entries.addLast(new Entry(seq, frame));
    }

    /** Drops everything the client says it has received. */
    void acknowledge(long seq) {
        while (!entries.isEmpty() && entries.peekFirst().seq() <= seq) {
            entries.removeFirst();
        }
        floor = Math.max(floor, seq);
    }

    /** Whether everything after {@code lastSeq} is still here. */
    boolean canReplayAfter(long lastSeq) {
        return lastSeq >= floor;
    }

    /** The frames after {@code lastSeq}, in order. */
    List<byte[]> after(long lastSeq) {
        List<byte[]> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.seq() > lastSeq) {
                out.add(e.frame());
            }
        }
        return out;
    }

    int size() {
        return entries.size();
    }
}
