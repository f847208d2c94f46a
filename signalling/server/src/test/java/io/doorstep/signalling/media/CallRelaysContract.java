package io.doorstep.signalling.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.signalling.media.CallRelays.Assignment;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CallRelays} does: a call's relay is set only over the one expected, read back, listed under its
 * relay for the owner, and forgotten when the call ends.
 */
public abstract class CallRelaysContract {
    private final CallRelays relays = newRelays();

    protected abstract CallRelays newRelays();

    /** The call is live (and owned by the node whose relays these are). */
    protected abstract void live(String callId);

    /** The call ended. */
    protected abstract void end(String callId);

    @Test
    void aRelayIsSetOnlyOverTheOneExpected() {
        live("c1");
        assertThat(relays.get("c1")).isEmpty();
        assertThat(relays.replace("c1", null, new Assignment("r1", "川沙新镇"))).isTrue();
        assertThat(relays.get("c1")).contains(new Assignment("r1", "川沙新镇"));
        assertThat(relays.replace("c1", null, new Assignment("r2", ""))).as("another node chose first").isFalse();
        assertThat(relays.replace("c1", "r2", new Assignment("r3", ""))).isFalse();
        assertThat(relays.get("c1")).contains(new Assignment("r1", "川沙新镇"));
        assertThat(relays.replace("c1", "r1", new Assignment("r2", "川沙新镇"))).as("moved").isTrue();
        assertThat(relays.replace("c1", "r1", new Assignment("r3", ""))).as("moved once").isFalse();
        assertThat(relays.replace("c1", "r2", null)).as("no relay left").isTrue();
        assertThat(relays.get("c1")).isEmpty();
    }

    @Test
    void theOwnerFindsItsCallsOnARelayAndAnEndedCallHasNone() {
        live("c1");
        live("c2");
        live("c3");
        relays.replace("c1", null, new Assignment("r1", "惠南镇"));
        relays.replace("c2", null, new Assignment("r1", ""));
        relays.replace("c3", null, new Assignment("r2", ""));
        assertThat(relays.owns("c1")).isTrue();
        assertThat(relays.ownedOn("r1")).containsOnlyKeys("c1", "c2").containsEntry("c1",
                new Assignment("r1", "惠南镇"));
        end("c2");
        relays.release("c2");
        assertThat(relays.ownedOn("r1")).containsOnlyKeys("c1");
        assertThat(relays.get("c2")).isEmpty();
    }
}
