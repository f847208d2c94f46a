package io.doorstep.signalling.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relays.RelayLoad;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which relay a call goes through, and what happens to its calls when a relay is gone. */
class RelayAssignmentsTest {
    private final RelayFleet fleet = new InMemoryRelayFleet();
    private final List<String> moved = new ArrayList<>();
    private long sentAt = 1;

    private RelayAssignments assignments(RelaySelection selection) {
        RelayAssignments a = new RelayAssignments(fleet, selection);
        a.onMoved(moved::add);
        return a;
    }

    private void report(String id, String region, int allocations, int capacity, boolean leaving, long now) {
        fleet.report(new RelayLoad(id, region, List.of("turn:" + id + ":3478"), allocations, capacity, 0, 0,
                sentAt++, 5_000, leaving), now);
    }

    private static String relay(Optional<RelayLoad> r) {
        return r.map(RelayLoad::relayId).orElse("static");
    }

    @Test
    void staticSelectionNeverAssignsARelay() {
        report("a", "", 0, 100, false, 0);
        assertThat(assignments(RelaySelection.STATIC).relayOf("c1", "川沙新镇", 1)).isEmpty();
    }

    @Test
    void theRelayWithTheMostRoomIsChosenCountingCallsSentSinceItsReport() {
        RelayAssignments a = assignments(RelaySelection.LEAST_LOADED);
        report("a", "", 10, 100, false, 0); // 10 % full
        report("b", "", 40, 200, false, 0); // 20 % full
        assertThat(relay(a.relayOf("c1", "", 1))).isEqualTo("a"); // a: 12 %
        assertThat(relay(a.relayOf("c2", "", 1))).isEqualTo("a"); // a: 14 %
        List<String> burst = new ArrayList<>();
        for (int i = 3; i <= 12; i++) {
            burst.add(relay(a.relayOf("c" + i, "", 1)));
        }
        assertThat(burst).as("a burst between reports is spread, not all sent to a").contains("a", "b");
        assertThat(relay(a.relayOf("c1", "", 2))).as("a call keeps its relay").isEqualTo("a");
    }

    @Test
    void sameRegionPrefersTheStationsTownAndFallsBackToAnyRelay() {
        RelayAssignments a = assignments(RelaySelection.SAME_REGION);
        report("pudong", "川沙新镇", 90, 100, false, 0);
        report("city", "", 0, 100, false, 0);
        assertThat(relay(a.relayOf("c1", "川沙新镇", 1))).isEqualTo("pudong");
        assertThat(relay(a.relayOf("c2", "惠南镇", 1))).isEqualTo("city");
    }

    @Test
    void withoutReportingRelaysTheConfiguredServersAreUsed() {
        assertThat(assignments(RelaySelection.LEAST_LOADED).relayOf("c1", "", 1)).isEmpty();
    }

    @Test
    void callsOfARelayThatLeavesOrGoesSilentAreMovedAndEndedCallsAreNot() {
        RelayAssignments a = assignments(RelaySelection.LEAST_LOADED);
        report("a", "", 0, 100, false, 0);
        a.relayOf("c1", "", 1);
        a.relayOf("c2", "", 1);
        a.release("c2");
        report("b", "", 50, 100, false, 2);
        report("a", "", 0, 100, true, 3); // a shuts down
        assertThat(moved).containsExactly("c1");
        assertThat(relay(a.relayOf("c1", "", 4))).isEqualTo("b");

        report("c", "", 0, 100, false, 5);
        moved.clear();
        fleet.sweep(2 + 15_001); // b last reported at 2: three reports (5 s apart) missed
        assertThat(moved).containsExactly("c1");
        assertThat(relay(a.relayOf("c1", "", 15_003))).isEqualTo("c");
    }
}
