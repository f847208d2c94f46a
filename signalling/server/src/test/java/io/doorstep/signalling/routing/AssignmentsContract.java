package io.doorstep.signalling.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.protocol.AgentState;
import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallEvent;
import io.doorstep.signalling.call.CallStore;
import io.doorstep.signalling.routing.Assignments.Claim;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Assignments} must do, run against each implementation (one node's stores, Redis): a claim
 * writes the call and the agent together only while both are free, and otherwise writes nothing.
 */
public abstract class AssignmentsContract {
    /** The stores a claim works on, and the claims, new and empty for each test. */
    public record Parts(CallStore calls, CallQueue queue, AgentRegistry agents, Assignments assignments) {
    }

    private final Parts parts = newParts();
    private final CallStore calls = parts.calls();
    private final AgentRegistry agents = parts.agents();
    private final Assignments assignments = parts.assignments();

    protected abstract Parts newParts();

    private Call queuedCall(String id) {
        Call call = Call.queued(id, "st-" + id, "MI-001", "g", false, 1_000);
        calls.put(call);
        parts.queue().enqueue(id, "g", false, 1_000);
        return call;
    }

    private AgentStatus availableAgent(String id, long idleSince) {
        AgentStatus agent = new AgentStatus(id, Set.of("g"), AgentState.AVAILABLE, idleSince, idleSince, null, true);
        agents.put(agent);
        return agent;
    }

    private Claim claim(Call call, AgentStatus agent) throws Exception {
        return assignments.claim(call.offer(agent.agentId(), 5_000),
                agent.withState(AgentState.OFFERED, call.id(), 5_000));
    }

    @Test
    void aClaimWritesTheOfferedCallAndTheRingingAgentTogether() throws Exception {
        Call call = queuedCall("c-1");
        AgentStatus agent = availableAgent("a", 100);
        availableAgent("b", 200);
        assertThat(claim(call, agent)).isEqualTo(Claim.CLAIMED);
        assertThat(calls.get("c-1")).contains(call.offer("a", 5_000));
        assertThat(agents.get("a")).contains(agent.withState(AgentState.OFFERED, "c-1", 5_000));
        assertThat(agents.available("g")).extracting(AgentStatus::agentId).containsExactly("b");
        assertThat(agents.staffing("g")).isEqualTo(new Staffing(1, 2));
        assertThat(calls.activeCallOf("a")).map(Call::id).contains("c-1");
    }

    @Test
    void aCallIsClaimedOnce() throws Exception {
        Call call = queuedCall("c-1");
        AgentStatus a = availableAgent("a", 100);
        AgentStatus b = availableAgent("b", 200);
        assertThat(claim(call, a)).isEqualTo(Claim.CLAIMED);
        assertThat(claim(call, b)).isEqualTo(Claim.CALL_TAKEN);
        assertThat(agents.get("b")).as("the loser is untouched").contains(b);
        assertThat(calls.get("c-1").orElseThrow().offeredTo()).isEqualTo("a");
    }

    @Test
    void anAgentIsClaimedOnce() throws Exception {
        Call first = queuedCall("c-1");
        Call second = queuedCall("c-2");
        AgentStatus a = availableAgent("a", 100);
        assertThat(claim(first, a)).isEqualTo(Claim.CLAIMED);
        assertThat(claim(second, a)).isEqualTo(Claim.AGENT_TAKEN);
        assertThat(calls.get("c-2")).as("the loser is untouched").contains(second);
    }

    @Test
    void onlyAQueuedCallAndARoutableAgentCanBeClaimed() throws Exception {
        Call call = queuedCall("c-1");
        AgentStatus offline = availableAgent("off", 100).withOnline(false);
        agents.put(offline);
        assertThat(claim(call, availableAgent("x", 1).withOnline(true))).isEqualTo(Claim.CLAIMED);
        assertThat(claim(queuedCall("c-2"), offline)).isEqualTo(Claim.AGENT_TAKEN);
        AgentStatus away = new AgentStatus("away", Set.of("g"), AgentState.AWAY, 1, 1, null, true);
        agents.put(away);
        assertThat(claim(queuedCall("c-3"), away)).isEqualTo(Claim.AGENT_TAKEN);
        AgentStatus ghost = new AgentStatus("ghost", Set.of("g"), AgentState.AVAILABLE, 1, 1, null, true);
        assertThat(claim(queuedCall("c-4"), ghost)).as("not signed in").isEqualTo(Claim.AGENT_TAKEN);

        Call connected = queuedCall("c-5").offer("y", 2_000).accept(3_000);
        calls.put(connected);
        Call stale = Call.queued("c-5", "st-c-5", "MI-001", "g", false, 1_000);
        assertThat(claim(stale, availableAgent("z", 1))).isEqualTo(Claim.CALL_TAKEN);
        Call gone = Call.queued("c-6", "st-c-6", "MI-001", "g", false, 1_000);
        assertThat(claim(gone, agents.get("z").orElseThrow())).as("not stored").isEqualTo(Claim.CALL_TAKEN);
    }

    @Test
    void aCallBackInTheQueueCanBeClaimedAgain() throws Exception {
        Call call = queuedCall("c-1");
        AgentStatus a = availableAgent("a", 100);
        AgentStatus b = availableAgent("b", 200);
        assertThat(claim(call, a)).isEqualTo(Claim.CLAIMED);
        Call requeued = calls.get("c-1").orElseThrow().unanswered(CallEvent.RING_TIMEOUT);
        calls.put(requeued);
        agents.put(agents.get("a").orElseThrow().withState(AgentState.AWAY, null, 6_000));
        assertThat(claim(requeued, b)).isEqualTo(Claim.CLAIMED);
        assertThat(calls.activeCallOf("a")).isEmpty();
        assertThat(calls.activeCallOf("b")).map(Call::offeredTo).contains("b");
    }

    @Test
    void theOfferedCallAndTheRingingAgentMustMatch() throws Exception {
        Call call = queuedCall("c-1");
        AgentStatus a = availableAgent("a", 100);
        assertThatThrownBy(() -> assignments.claim(call.offer("b", 5_000),
                a.withState(AgentState.OFFERED, "c-1", 5_000))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> assignments.claim(call.offer("a", 5_000),
                a.withState(AgentState.OFFERED, "c-2", 5_000))).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls.get("c-1")).contains(call);
    }
}
