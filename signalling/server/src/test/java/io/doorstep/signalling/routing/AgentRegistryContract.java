package io.doorstep.signalling.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.protocol.AgentState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AgentRegistry} must do, run against each implementation (in memory, Redis): a subclass supplies
 * a new, empty registry per test.
 */
public abstract class AgentRegistryContract {
    private final AgentRegistry registry = newRegistry();

    protected abstract AgentRegistry newRegistry();

    protected static AgentStatus away(String id, long now, String... groups) {
        return new AgentStatus(id, Set.of(groups), AgentState.AWAY, now, now, null, true);
    }

    private AgentStatus put(AgentStatus s) {
        registry.put(s);
        return s;
    }

    private List<String> available(String group) {
        return registry.available(group).stream().map(AgentStatus::agentId).toList();
    }

    private List<String> page(String group, int offset, int limit) {
        return registry.available(group, offset, limit).stream().map(AgentStatus::agentId).toList();
    }

    @Test
    void longestIdleFirst() {
        put(away("b", 0, "g").withState(AgentState.AVAILABLE, null, 300));
        put(away("a", 0, "g").withState(AgentState.AVAILABLE, null, 100));
        put(away("c", 0, "g").withState(AgentState.AVAILABLE, null, 200));
        put(away("d", 0, "g").withState(AgentState.AVAILABLE, null, 200));
        assertThat(available("g")).containsExactly("a", "c", "d", "b");
    }

    @Test
    void pagesFollowTheSameOrderAndStopAtTheEnd() {
        put(away("b", 0, "g").withState(AgentState.AVAILABLE, null, 300));
        put(away("a", 0, "g").withState(AgentState.AVAILABLE, null, 100));
        put(away("c", 0, "g").withState(AgentState.AVAILABLE, null, 200));
        put(away("d", 0, "g").withState(AgentState.AVAILABLE, null, 200));
        put(away("e", 0, "h").withState(AgentState.AVAILABLE, null, 50));
        assertThat(page("g", 0, 2)).containsExactly("a", "c");
        assertThat(page("g", 2, 2)).as("ties by agent id, across pages").containsExactly("d", "b");
        assertThat(page("g", 3, 8)).as("a short last page").containsExactly("b");
        assertThat(page("g", 4, 8)).isEmpty();
        assertThat(page("g", 0, 0)).isEmpty();
        assertThat(page("g", 0, 100)).isEqualTo(available("g"));
        assertThat(page("other", 0, 8)).isEmpty();
    }

    @Test
    void aPageOutsideTheBoundsIsRefused() {
        assertThatThrownBy(() -> registry.available("g", -1, 8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> registry.available("g", 0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> registry.available("g", Integer.MAX_VALUE, 2))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void theLongestIdleSelectorReadsOnPastAPageOfIneligibleAgents() {
        for (int i = 0; i < 20; i++) {
            put(away("a" + (char) ('a' + i), 0, "g").withState(AgentState.AVAILABLE, null, 100 + i));
        }
        AgentSelector selector = AgentSelector.longestIdle();
        assertThat(selector.select("g", registry, a -> true)).map(AgentStatus::agentId).contains("aa");
        assertThat(selector.select("g", registry, a -> a.idleSince() >= 117)).map(AgentStatus::agentId)
                .as("on the third page").contains("ar");
        assertThat(selector.select("g", registry, a -> a.idleSince() >= 108)).map(AgentStatus::agentId)
                .as("first of the second page").contains("ai");
        assertThat(selector.select("g", registry, a -> false)).isEmpty();
        assertThat(selector.select("other", registry, a -> true)).isEmpty();
    }

    @Test
    void onlyAvailableAgentsWithTheSkillAreRoutable() {
        put(away("a", 0, "g"));
        put(away("b", 0, "h").withState(AgentState.AVAILABLE, null, 10));
        put(away("c", 0, "g", "h").withState(AgentState.AVAILABLE, null, 20));
        assertThat(available("g")).containsExactly("c");
        assertThat(available("h")).containsExactly("b", "c");
        assertThat(available("other")).isEmpty();
        assertThat(registry.all()).hasSize(3);
    }

    @Test
    void anUnansweredOfferKeepsTheAgentsPlaceButACallDoesNot() {
        AgentStatus a = put(away("a", 0, "g").withState(AgentState.AVAILABLE, null, 100));
        put(away("b", 0, "g").withState(AgentState.AVAILABLE, null, 200));
        AgentStatus offered = put(a.withState(AgentState.OFFERED, "c1", 300));
        assertThat(available("g")).as("ringing agents are not routable").containsExactly("b");
        AgentStatus back = put(offered.withState(AgentState.AVAILABLE, null, 400));
        assertThat(back.idleSince()).as("OFFERED -> AVAILABLE keeps idleSince").isEqualTo(100);
        assertThat(back.stateSince()).isEqualTo(400);
        assertThat(available("g")).containsExactly("a", "b");

        AgentStatus busy = put(back.withState(AgentState.OFFERED, "c2", 500).withState(AgentState.BUSY, "c2", 510));
        AgentStatus wrapUp = put(busy.withState(AgentState.WRAP_UP, null, 900));
        AgentStatus free = put(wrapUp.withState(AgentState.AVAILABLE, null, 1_000));
        assertThat(free.idleSince()).as("after a call the agent is idle from now").isEqualTo(1_000);
        assertThat(available("g")).containsExactly("b", "a");
    }

    @Test
    void notRoutableWhileOffline() {
        AgentStatus a = put(away("a", 0, "g").withState(AgentState.AVAILABLE, null, 100));
        put(away("b", 0, "g").withState(AgentState.AVAILABLE, null, 200));
        put(a.withOnline(false));
        assertThat(available("g")).containsExactly("b");
        assertThat(registry.get("a")).hasValueSatisfying(s -> assertThat(s.online()).isFalse());
        put(registry.get("a").orElseThrow().withOnline(true));
        assertThat(available("g")).as("back online, same place in line").containsExactly("a", "b");
    }

    @Test
    void removeAndReplaceKeepTheIndexConsistent() {
        AgentStatus a = put(away("a", 0, "g", "h").withState(AgentState.AVAILABLE, null, 100));
        put(a.withState(AgentState.AWAY, null, 150));
        assertThat(available("g")).isEmpty();
        assertThat(available("h")).isEmpty();
        put(registry.get("a").orElseThrow().withState(AgentState.AVAILABLE, null, 200));
        assertThat(available("h")).containsExactly("a");
        registry.remove("a");
        assertThat(available("g")).isEmpty();
        assertThat(registry.get("a")).isEmpty();
        assertThat(registry.all()).isEmpty();
        registry.remove("a"); // removing twice is harmless
    }

    @Test
    void staffingCountsAgentsOnDutyThroughEveryChange() {
        AgentStatus a = put(away("a", 0, "g", "h"));
        assertThat(registry.staffing("g")).as("away is not on duty").isEqualTo(new Staffing(0, 0));
        a = put(a.withState(AgentState.AVAILABLE, null, 10));
        AgentStatus b = put(away("b", 0, "g").withState(AgentState.AVAILABLE, null, 20));
        assertThat(registry.staffing("g")).isEqualTo(new Staffing(2, 2));
        assertThat(registry.staffing("h")).isEqualTo(new Staffing(1, 1));
        b = put(b.withState(AgentState.OFFERED, "c1", 30).withState(AgentState.BUSY, "c1", 40));
        assertThat(registry.staffing("g")).as("talking is on duty, not available").isEqualTo(new Staffing(1, 2));
        put(b.withState(AgentState.WRAP_UP, null, 50));
        assertThat(registry.staffing("g")).isEqualTo(new Staffing(1, 2));
        put(a.withOnline(false));
        assertThat(registry.staffing("g")).as("disconnected is not on duty").isEqualTo(new Staffing(0, 1));
        assertThat(registry.staffing("h")).isEqualTo(new Staffing(0, 0));
        registry.remove("b");
        registry.remove("b");
        assertThat(registry.staffing("g")).isEqualTo(new Staffing(0, 0));
        assertThat(registry.staffing("nobody")).isEqualTo(new Staffing(0, 0));
    }

    @Test
    void countsByStateFollowEveryChange() {
        AgentStatus a = put(away("a", 0, "g"));
        put(away("b", 0, "g").withState(AgentState.AVAILABLE, null, 10));
        assertThat(registry.count(AgentState.AWAY)).isEqualTo(1);
        assertThat(registry.count(AgentState.AVAILABLE)).isEqualTo(1);
        put(a.withState(AgentState.AVAILABLE, null, 20));
        assertThat(registry.count(AgentState.AWAY)).isZero();
        assertThat(registry.count(AgentState.AVAILABLE)).isEqualTo(2);
        registry.remove("a");
        registry.remove("a");
        assertThat(registry.count(AgentState.AVAILABLE)).isEqualTo(1);
        assertThat(registry.count(AgentState.BUSY)).isZero();
    }

    @Test
    void aReplaceWritesOnlyOverTheStateItWasReadIn() {
        AgentStatus read = put(away("a", 0, "g").withState(AgentState.AVAILABLE, null, 10));
        AgentStatus offered = put(read.withState(AgentState.OFFERED, "c-1", 20)); // another node's claim came first
        assertThat(registry.replace(read, read.withState(AgentState.AWAY, null, 30))).isFalse();
        assertThat(registry.get("a")).contains(offered);
        assertThat(registry.replace(offered, offered.withState(AgentState.BUSY, "c-1", 40))).isTrue();
        assertThat(registry.get("a").orElseThrow().state()).isEqualTo(AgentState.BUSY);
        assertThat(registry.replace(away("z", 0, "g"), away("z", 1, "g"))).as("no such agent").isFalse();
    }

    @Test
    void theOnlineFlagChangesAloneAndAReplaceKeepsIt() {
        AgentStatus available = put(away("a", 0, "g").withState(AgentState.AVAILABLE, null, 10));
        assertThat(registry.setOnline("a", false)).contains(available.withOnline(false));
        assertThat(available("g")).as("offline agents are not routable").isEmpty();
        assertThat(registry.replace(available, available.withState(AgentState.AWAY, null, 20))).isTrue();
        assertThat(registry.get("a").orElseThrow().online()).isFalse();
        assertThat(registry.setOnline("z", true)).isEmpty();
    }

    @Test
    void countsEveryStateAtOnceAsOneByOne() {
        put(away("a", 0, "g"));
        put(away("b", 0, "g").withState(AgentState.AVAILABLE, null, 10));
        put(away("c", 0, "h").withState(AgentState.AVAILABLE, null, 20));

        Map<AgentState, Integer> counts = registry.counts();

        assertThat(counts).containsOnlyKeys(AgentState.values());
        assertThat(counts).containsEntry(AgentState.AWAY, 1).containsEntry(AgentState.AVAILABLE, 2)
                .containsEntry(AgentState.BUSY, 0);
        for (AgentState state : AgentState.values()) {
            assertThat(counts.get(state)).as(state.name()).isEqualTo(registry.count(state));
        }
    }
}
