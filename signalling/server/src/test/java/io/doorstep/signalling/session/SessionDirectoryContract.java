package io.doorstep.signalling.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionDirectory} must do, run against each implementation (in memory, Redis): it finds sessions
 * by id and identity, counts them by role as they come and go, and says where an identity's session is held.
 */
public abstract class SessionDirectoryContract {
    protected static final String NODE = "node-1";
    private final SessionDirectory directory = newDirectory(NODE);

    /** A new, empty directory of node {@code nodeId}; directories made by one test share their cluster. */
    protected abstract SessionDirectory newDirectory(String nodeId);

    protected static Session session(String id, String identity, Role role) {
        return TestSessions.of(id, identity, role);
    }

    @Test
    void countsByRoleThroughTakeOverAndRemoval() {
        Session station = session("s-1", "st-1", Role.STATION);
        Session agent = session("s-2", "ag-1", Role.AGENT);
        directory.put(station);
        directory.put(station); // put again: still one
        directory.put(agent);
        assertThat(directory.count(Role.STATION)).isEqualTo(1);
        assertThat(directory.count(Role.AGENT)).isEqualTo(1);

        Session takeOver = session("s-3", "st-1", Role.STATION);
        directory.put(takeOver);
        assertThat(directory.byIdentity("st-1")).containsSame(takeOver);
        assertThat(directory.count(Role.STATION)).as("the old session until it is removed").isEqualTo(2);
        directory.remove(station);
        directory.remove(station); // twice is harmless
        assertThat(directory.count(Role.STATION)).isEqualTo(1);
        assertThat(directory.byIdentity("st-1")).as("removing the old one keeps the new").containsSame(takeOver);
        assertThat(directory.count(Role.OPERATOR)).isZero();
        assertThat(directory.all()).hasSize(2);
    }

    @Test
    void locatesTheSessionOfAnIdentityOnThisNode() {
        Session first = session("s-1", "st-1", Role.STATION);
        assertThat(directory.locate("st-1")).isEmpty();
        directory.put(first);
        assertThat(directory.locate("st-1")).contains(new SessionLocation(NODE, "s-1"));

        Session takeOver = session("s-2", "st-1", Role.STATION);
        directory.put(takeOver);
        directory.remove(first);
        assertThat(directory.locate("st-1")).as("removing the replaced session keeps the new one's place")
                .contains(new SessionLocation(NODE, "s-2"));
        directory.remove(takeOver);
        assertThat(directory.locate("st-1")).isEmpty();
        assertThat(directory.get("s-2")).isEmpty();
        assertThat(directory.byIdentity("st-1")).isEmpty();
    }

    @Test
    void deliversToTheSessionOfAnIdentity() {
        Session station = session("s-1", "st-1", Role.STATION);
        directory.put(station);
        assertThat(directory.deliver("st-1", new ServerMessage.Pong(null, 1))).isTrue();
        assertThat(station.lastSeq()).as("numbered by its session").isEqualTo(1);
        assertThat(directory.deliver("st-2", new ServerMessage.Pong(null, 1))).as("no session anywhere").isFalse();
        directory.remove(station);
        assertThat(directory.deliver("st-1", new ServerMessage.Pong(null, 1))).isFalse();
    }
}
