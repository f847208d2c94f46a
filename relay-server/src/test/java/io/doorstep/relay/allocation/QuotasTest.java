package io.doorstep.relay.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relay.allocation.Quotas.Refusal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Allocation quotas: per user (486) and in total (508). */
class QuotasTest {
    @Test
    void perUserAndTotalLimits() {
        Quotas q = new Quotas(2, 3);
        assertThat(q.reserve("alice")).isEqualTo(Refusal.NONE);
        assertThat(q.reserve("alice")).isEqualTo(Refusal.NONE);
        assertThat(q.reserve("alice")).isEqualTo(Refusal.USER_QUOTA);
        assertThat(q.reserve("bob")).isEqualTo(Refusal.NONE);
        assertThat(q.reserve("carol")).isEqualTo(Refusal.CAPACITY);
        assertThat(q.active()).isEqualTo(3);

        q.release("alice");
        assertThat(q.reserve("carol")).as("room again in total").isEqualTo(Refusal.NONE);
        assertThat(q.reserve("alice")).as("but carol took it").isEqualTo(Refusal.CAPACITY);
        q.release("bob");
        assertThat(q.reserve("alice")).isEqualTo(Refusal.NONE);
        assertThat(q.active()).isEqualTo(3);
    }

    @Test
    void refusalsTakeNothing() {
        Quotas q = new Quotas(1, 10);
        q.reserve("alice");
        for (int i = 0; i < 5; i++) {
            assertThat(q.reserve("alice")).isEqualTo(Refusal.USER_QUOTA);
        }
        assertThat(q.active()).isEqualTo(1);
        q.release("alice");
        assertThat(q.active()).isZero();
        assertThat(q.reserve("alice")).isEqualTo(Refusal.NONE);
    }

    @Test
    void concurrentReservationsNeverExceedTheTotal() throws Exception {
        Quotas q = new Quotas(1000, 100);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String user = "user" + t;
                tasks.add(() -> {
                    int granted = 0;
                    for (int i = 0; i < 1000; i++) {
                        if (q.reserve(user) == Refusal.NONE) {
                            granted++;
                        }
                    }
                    return granted;
                });
            }
            int granted = 0;
            for (Future<Integer> f : pool.invokeAll(tasks, 10, TimeUnit.SECONDS)) {
                granted += f.get();
            }
            assertThat(granted).isEqualTo(100);
            assertThat(q.active()).isEqualTo(100);
        } finally {
            pool.shutdownNow();
        }
    }
}
