package io.doorstep.signalling.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.protocol.EndReason;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every (state, event) pair of the call state machine against an explicit table, legal and illegal. */
class CallStateTest {

    /**
     * The whole state machine, written out: a row per state, a column per event, "-" where the event is not allowed.
     * Columns in the order of {@link CallEvent}.
     */
    private static final String[] TABLE = {
            //          OFFER    ACCEPT     REJECT  RING_TIMEOUT OFFER_LOST CANCEL ABANDON ALL_REJECTED HANGUP FAIL
            "QUEUED     OFFERED  -          -       -            -          ENDED  ENDED   ENDED        -      ENDED",
            "OFFERED    -        CONNECTED  QUEUED  QUEUED       QUEUED     ENDED  ENDED   -            -      ENDED",
            "CONNECTED  -        -          -       -            -          -      -       -            ENDED  ENDED",
            "ENDED      -        -          -       -            -          -      -       -            -      -",
    };

    private static final Map<CallState, Map<CallEvent, CallState>> EXPECTED = parse();

    private static Map<CallState, Map<CallEvent, CallState>> parse() {
        Map<CallState, Map<CallEvent, CallState>> table = new EnumMap<>(CallState.class);
        for (String row : TABLE) {
            String[] cells = row.trim().split("\\s+");
            assertThat(cells).as("row %s has a cell per event", cells[0]).hasSize(CallEvent.values().length + 1);
            Map<CallEvent, CallState> next = new EnumMap<>(CallEvent.class);
            for (CallEvent e : CallEvent.values()) {
                String cell = cells[e.ordinal() + 1];
                next.put(e, cell.equals("-") ? null : CallState.valueOf(cell));
            }
            table.put(CallState.valueOf(cells[0]), next);
        }
        return table;
    }

    static Stream<Arguments> allPairs() {
        return Arrays.stream(CallState.values())
                .flatMap(s -> Arrays.stream(CallEvent.values()).map(e -> Arguments.of(s, e)));
    }

    @Test
    void theTableHasARowForEveryState() {
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(CallState.values());
        assertThat(allPairs()).hasSize(CallState.values().length * CallEvent.values().length);
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("allPairs")
    void transition(CallState from, CallEvent event) throws Exception {
        CallState expected = EXPECTED.get(from).get(event);
        if (expected != null) {
            assertThat(CallState.next(from, event)).isEqualTo(expected);
        } else {
            assertThatThrownBy(() -> CallState.next(from, event))
                    .isInstanceOf(CallState.IllegalTransitionException.class)
                    .hasMessageContaining(from.name().toLowerCase())
                    .hasMessageContaining(event.wireName());
        }
    }

    @Test
    void eventsThatEndACallCarryTheirReason() {
        Map<CallEvent, EndReason> reasons = new EnumMap<>(CallEvent.class);
        reasons.put(CallEvent.CANCEL, EndReason.CANCELLED);
        reasons.put(CallEvent.ABANDON, EndReason.ABANDONED);
        reasons.put(CallEvent.ALL_REJECTED, EndReason.REJECTED_BY_ALL);
        reasons.put(CallEvent.HANGUP, EndReason.COMPLETED);
        reasons.put(CallEvent.FAIL, EndReason.FAILED);
        for (CallEvent e : CallEvent.values()) {
            assertThat(e.endReason()).as(e.name()).isEqualTo(reasons.get(e));
            // An event with an end reason only ever leads to ENDED, and one without never does.
            for (CallState s : CallState.values()) {
                CallState to = EXPECTED.get(s).get(e);
                if (to != null) {
                    assertThat(to == CallState.ENDED).as(s + " + " + e).isEqualTo(e.endReason() != null);
                }
            }
        }
    }

    @Test
    void callValuesFollowTheStateMachine() throws Exception {
        Call queued = Call.queued("c-1", "st-1", "MI-001", "medical-insurance", false, 1_000);
        Call offered = queued.offer("ag-1", 2_000);
        assertThat(offered.state()).isEqualTo(CallState.OFFERED);
        assertThat(offered.offeredTo()).isEqualTo("ag-1");
        assertThat(offered.offers()).isEqualTo(1);
        Call rejected = offered.unanswered(CallEvent.REJECT);
        assertThat(rejected.state()).isEqualTo(CallState.QUEUED);
        assertThat(rejected.rejectedBy()).containsExactly("ag-1");
        assertThat(rejected.currentAgent()).isNull();
        Call timedOut = rejected.offer("ag-2", 3_000).unanswered(CallEvent.RING_TIMEOUT);
        assertThat(timedOut.rejectedBy()).as("a ring timeout is not a rejection").containsExactly("ag-1");
        Call connected = timedOut.offer("ag-2", 4_000).accept(5_000);
        assertThat(connected.agentId()).isEqualTo("ag-2");
        assertThat(connected.isParty("ag-2")).isTrue();
        assertThat(connected.isParty("ag-1")).isFalse();
        Call ended = connected.end(CallEvent.HANGUP, "HANGUP", 9_000);
        assertThat(ended.endReason()).isEqualTo(EndReason.COMPLETED);
        assertThatThrownBy(() -> ended.end(CallEvent.HANGUP, "HANGUP", 9_500))
                .isInstanceOf(CallState.IllegalTransitionException.class);
        assertThatThrownBy(() -> queued.accept(1_500)).isInstanceOf(CallState.IllegalTransitionException.class);
    }
}
