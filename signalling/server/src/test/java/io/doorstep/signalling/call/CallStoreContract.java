package io.doorstep.signalling.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CallStore} must do, run against each implementation (in memory, Redis): a subclass supplies a
 * new, empty store per test.
 */
public abstract class CallStoreContract {
    private final CallStore store = newStore();

    protected abstract CallStore newStore();

    private static Call queued(String id, String station) {
        return Call.queued(id, station, "MI-001", "medical", false, 1_000);
    }

    @Test
    void aCallComesBackWithEveryFieldThroughItsWholeLife() throws Exception {
        Call call = Call.queued("c-1", "st-1", "MI-001", "medical", true, 1_000);
        store.put(call);
        assertThat(store.get("c-1")).contains(call);
        Call offered = call.offer("ag-1", 2_000);
        Call rejected = offered.unanswered(CallEvent.REJECT);
        Call reoffered = rejected.offer("ag-2", 3_000);
        Call connected = reoffered.accept(4_000);
        Call ended = connected.end(CallEvent.HANGUP, "HANGUP", 5_000);
        for (Call step : new Call[] {offered, rejected, reoffered, connected, ended}) {
            store.put(step);
            assertThat(store.get("c-1")).as(step.state().name()).contains(step);
        }
        assertThat(store.get("c-1").orElseThrow().rejectedBy()).containsExactly("ag-1");
        assertThat(store.get("nope")).isEmpty();
    }

    @Test
    void theActiveCallOfAPartyFollowsTheOffers() throws Exception {
        Call call = queued("c-1", "st-1");
        store.put(call);
        assertThat(store.activeCallOf("st-1")).contains(call);
        Call offered = call.offer("ag-1", 2_000);
        store.put(offered);
        assertThat(store.activeCallOf("ag-1")).contains(offered);
        Call requeued = offered.unanswered(CallEvent.RING_TIMEOUT);
        store.put(requeued);
        assertThat(store.activeCallOf("ag-1")).as("the offer is over").isEmpty();
        Call other = requeued.offer("ag-2", 3_000);
        store.put(other);
        assertThat(store.activeCallOf("ag-2")).contains(other);
        Call connected = other.accept(4_000);
        store.put(connected);
        assertThat(store.activeCallOf("ag-2")).contains(connected);
        assertThat(store.activeCallOf("st-1")).contains(connected);
        assertThat(store.activeCallOf("ag-1")).isEmpty();
        assertThat(store.activeCallOf("nobody")).isEmpty();
    }

    @Test
    void removeForgetsTheCallAndItsParties() throws Exception {
        Call a = queued("c-1", "st-1").offer("ag-1", 2_000);
        Call b = queued("c-2", "st-2");
        store.put(a);
        store.put(b);
        assertThat(store.all()).containsExactlyInAnyOrder(a, b);
        store.remove("c-1");
        store.remove("c-1"); // twice is harmless
        store.remove("nope");
        assertThat(store.get("c-1")).isEmpty();
        assertThat(store.activeCallOf("st-1")).isEmpty();
        assertThat(store.activeCallOf("ag-1")).isEmpty();
        assertThat(store.all()).containsExactly(b);
        store.remove("c-2");
        assertThat(store.all()).isEmpty();
    }

    @Test
    void manyCallsAreReadAtOnceAndCounted() throws Exception {
        Call a = queued("c-1", "st-1");
        Call b = queued("c-2", "st-2").offer("ag-1", 2_000);
        store.put(a);
        store.put(b);
        assertThat(store.count()).isEqualTo(2);
        assertThat(store.getAll(List.of("c-2", "gone", "c-1"))).as("only the live ones")
                .isEqualTo(Map.of("c-1", a, "c-2", b));
        assertThat(store.getAll(List.of())).isEmpty();
        store.remove("c-1");
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.getAll(List.of("c-1"))).isEmpty();
    }

    @Test
    void aStoreOwnsTheCallsItCreated() throws Exception {
        Call a = queued("c-1", "st-1");
        Call b = queued("c-2", "st-2");
        store.put(a);
        store.put(b);
        store.put(a.offer("ag-1", 2_000));
        assertThat(store.owned()).containsExactlyInAnyOrder(a.offer("ag-1", 2_000), b);
        store.remove("c-2");
        assertThat(store.owned()).extracting(Call::id).containsExactly("c-1");
    }

    @Test
    void aStationsNewCallAfterTheOldOneEndedIsItsActiveCall() {
        store.put(queued("c-1", "st-1"));
        store.remove("c-1");
        Call next = queued("c-2", "st-1");
        store.put(next);
        assertThat(store.activeCallOf("st-1")).contains(next);
    }
}
