package io.doorstep.signalling.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.auth.Principal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The directory finds sessions by id and identity and counts them by role as they come and go. */
class InMemorySessionDirectoryTest {
    private final InMemorySessionDirectory directory = new InMemorySessionDirectory();
    private final ProtocolCodec codec = new ProtocolCodec();

    private Session session(String id, String identity, Role role) {
        return new Session(id, new Principal(identity, identity, role, Instant.MAX), codec, 8);
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
}
