package io.doorstep.signalling.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relays.RelayLoad;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which relays count as live: the newest report each, gone after three missed reports or when leaving. */
class RelayFleetTest {
    private final RelayFleet fleet = new InMemoryRelayFleet();

    private static RelayLoad report(String id, int allocations, long sentAt, boolean leaving) {
        return new RelayLoad(id, "", List.of("turn:127.0.0.1:3478"), allocations, 100, 0, 0, sentAt, 1_000, leaving);
    }

    @Test
    void theNewestReportCountsAndAnOlderOneOrAReplayChangesNothing() {
        fleet.report(report("r1", 5, 2_000, false), 10_000);
        fleet.report(report("r1", 9, 1_000, false), 10_100); // overtaken in flight
        fleet.report(report("r1", 7, 2_000, false), 10_200); // replayed
        assertThat(fleet.live(10_300)).singleElement().satisfies(r -> {
            assertThat(r.load().allocations()).isEqualTo(5);
            assertThat(r.receivedAt()).isEqualTo(10_000);
        });
    }

    @Test
    void aRelayIsGoneAfterThreeMissedReports() {
        fleet.report(report("r1", 1, 1, false), 10_000);
        fleet.report(report("r2", 1, 1, false), 11_000);
        assertThat(fleet.live(13_000)).extracting(r -> r.load().relayId()).containsExactly("r1", "r2");
        assertThat(fleet.live(13_001)).extracting(r -> r.load().relayId()).containsExactly("r2");
        fleet.report(report("r1", 1, 2, false), 13_500);
        assertThat(fleet.live(13_600)).extracting(r -> r.load().relayId()).as("back after it reports again")
                .containsExactly("r1", "r2");
    }

    @Test
    void aLeavingRelayIsGoneAtOnceButALateLeavingReportCannotRemoveItsSuccessor() {
        fleet.report(report("r1", 1, 5, false), 10_000);
        fleet.report(report("r1", 0, 4, true), 10_100); // an old goodbye, e.g. from before a restart
        assertThat(fleet.live(10_200)).hasSize(1);
        fleet.report(report("r1", 0, 6, true), 10_300);
        assertThat(fleet.live(10_400)).isEmpty();
    }
}
