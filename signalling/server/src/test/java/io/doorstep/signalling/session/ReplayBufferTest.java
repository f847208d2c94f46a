package io.doorstep.signalling.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static byte[] frame(long seq) {
        return ("m" + seq).getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> texts(List<byte[]> frames) {
        return frames.stream().map(f -> new String(f, StandardCharsets.US_ASCII)).toList();
    }

    private static ReplayBuffer filled(int capacity, int upTo) {
        ReplayBuffer b = new ReplayBuffer(capacity);
        for (long s = 1; s <= upTo; s++) {
            b.add(s, frame(s));
        }
        return b;
    }

    @Test
    void replaysEverythingAfterWhatTheClientHas() {
        ReplayBuffer b = filled(8, 5);
        assertThat(b.size()).isEqualTo(5);
        assertThat(b.canReplayAfter(0)).isTrue();
        assertThat(texts(b.after(0))).containsExactly("m1", "m2", "m3", "m4", "m5");
        assertThat(texts(b.after(3))).containsExactly("m4", "m5");
        assertThat(b.after(5)).isEmpty();
    }

    @Test
    void acknowledgedMessagesAreDroppedAndCannotBeAskedForAgain() {
        ReplayBuffer b = filled(8, 5);
        b.acknowledge(3);
        assertThat(b.size()).isEqualTo(2);
        assertThat(texts(b.after(3))).containsExactly("m4", "m5");
        assertThat(b.canReplayAfter(3)).isTrue();
        assertThat(b.canReplayAfter(4)).isTrue();
        assertThat(b.canReplayAfter(2)).as("m3 was dropped on the ack").isFalse();
        b.acknowledge(1); // an older ack changes nothing
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.canReplayAfter(2)).isFalse();
        b.acknowledge(5);
        assertThat(b.size()).isZero();
        assertThat(b.canReplayAfter(5)).isTrue();
    }

    @Test
    void overflowDropsTheOldestAndRefusesAResumeThatNeedsIt() {
        ReplayBuffer b = filled(3, 3);
        assertThat(b.canReplayAfter(0)).isTrue();
        b.add(4, frame(4));
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.canReplayAfter(0)).as("m1 is gone").isFalse();
        assertThat(b.canReplayAfter(1)).isTrue();
        assertThat(texts(b.after(1))).containsExactly("m2", "m3", "m4");
        b.add(5, frame(5));
        b.add(6, frame(6));
        assertThat(b.canReplayAfter(2)).isFalse();
        assertThat(b.canReplayAfter(3)).isTrue();
        assertThat(texts(b.after(3))).containsExactly("m4", "m5", "m6");
    }

    @Test
    void anAckBeyondTheBufferEmptiesIt() {
        ReplayBuffer b = filled(4, 2);
        b.acknowledge(10);
        assertThat(b.size()).isZero();
        assertThat(b.canReplayAfter(2)).as("floor moved to the ack").isFalse();
        assertThat(b.canReplayAfter(10)).isTrue();
    }
}
