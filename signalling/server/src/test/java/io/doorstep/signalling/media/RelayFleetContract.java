package io.doorstep.signalling.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relays.RelayLoad;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RelayFleet} does: the newest report per relay counts, a relay is gone after three missed reports
 * or when it leaves, and the listener hears of each going once.
 */
public abstract class RelayFleetContract {
    protected final List<String> gone = new ArrayList<>();
    private RelayFleet fleet;

    /** A fresh, empty fleet. */
    protected abstract RelayFleet newFleet();

    /** The time as the fleet sees it. */
    protected abstract long now();

    /** Lets {@code millis} pass for the fleet. */
    protected abstract void pass(long millis) throws InterruptedException;

    @BeforeEach
    void createFleet() {
        fleet = newFleet();
        fleet.onGone((relayId, at) -> gone.add(relayId));
    }

    protected static RelayLoad report(String id, int allocations, long sentAt, long interval, boolean leaving) {
        return new RelayLoad(id, "", List.of("turn:127.0.0.1:3478"), allocations, 100, 0, 0, sentAt, interval,
                leaving);
    }

    @Test
    void theNewestReportCountsAndAnOlderOneOrAReplayChangesNothing() {
        long first = now();
        fleet.report(report("r1", 5, 2_000, 10_000, false), first);
        fleet.report(report("r1", 9, 1_000, 10_000, false), now()); // overtaken in flight
        fleet.report(report("r1", 7, 2_000, 10_000, false), now()); // replayed
        fleet.sweep(now());
        assertThat(fleet.live(now())).singleElement().satisfies(r -> {
            assertThat(r.load().allocations()).isEqualTo(5);
            assertThat(r.receivedAt()).isEqualTo(first);
        });
        assertThat(fleet.get("r1")).isPresent();
        assertThat(fleet.get("r2")).isEmpty();
    }

    @Test
    void aRelayIsGoneAfterThreeMissedReportsAndBackWhenItReportsAgain() throws InterruptedException {
        fleet.report(report("r1", 1, 1, 100, false), now());
        fleet.report(report("r2", 1, 1, 10_000, false), now());
        fleet.sweep(now());
        assertThat(fleet.live(now())).extracting(r -> r.load().relayId()).containsExactly("r1", "r2");
        pass(450); // r1: three reports of 100 ms missed, and then some
        fleet.sweep(now());
        fleet.sweep(now());
        assertThat(fleet.live(now())).extracting(r -> r.load().relayId()).containsExactly("r2");
        assertThat(gone).as("told once").containsExactly("r1");
        fleet.report(report("r1", 1, 2, 100, false), now());
        assertThat(fleet.live(now())).extracting(r -> r.load().relayId()).as("back after it reports again")
                .containsExactly("r1", "r2");
    }

    @Test
    void aLeavingRelayIsGoneAtOnceButALateLeavingReportCannotRemoveItsSuccessor() {
        fleet.report(report("r1", 1, 5, 10_000, false), now());
        fleet.report(report("r1", 0, 4, 10_000, true), now()); // an old goodbye, e.g. from before a restart
        fleet.sweep(now());
        assertThat(fleet.live(now())).hasSize(1);
        assertThat(gone).isEmpty();
        fleet.report(report("r1", 0, 6, 10_000, true), now());
        assertThat(fleet.live(now())).isEmpty();
        assertThat(gone).containsExactly("r1");
        fleet.sweep(now());
        assertThat(gone).as("told once").containsExactly("r1");
    }
}
