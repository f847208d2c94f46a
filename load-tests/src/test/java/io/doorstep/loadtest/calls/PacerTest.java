package io.doorstep.loadtest.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

class PacerTest {
    @Test
    void everyArrivalFiresOnTheLoopAtOrAfterItsDueTimeEvenlySpaced() throws Exception {
        ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "loop"));
        try {
            List<Long> due = new ArrayList<>();
            List<Long> fired = new ArrayList<>();
            List<String> threads = new ArrayList<>();

            Pacer.run(loop, 100, Duration.ofMillis(300), d -> {
                fired.add(System.nanoTime());
                due.add(d);
                threads.add(Thread.currentThread().getName());
            });

            assertThat(due).hasSize(30);
            assertThat(threads).containsOnly("loop");
            for (int i = 0; i < due.size(); i++) {
                assertThat(fired.get(i)).isGreaterThanOrEqualTo(due.get(i));
                if (i > 0) {
                    assertThat(due.get(i) - due.get(i - 1)).isBetween(9_999_999L, 10_000_001L);
                }
            }
        } finally {
            loop.shutdownNow();
        }
    }
}
