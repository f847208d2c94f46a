package io.doorstep.signalling.session;

import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.auth.Principal;
import java.time.Instant;

/** Sessions without a connection, for tests of the stores that hold them. */
public final class TestSessions {
    private static final ProtocolCodec CODEC = new ProtocolCodec();

    private TestSessions() {
    }

    public static Session of(String id, String identity, Role role) {
        return new Session(id, new Principal(identity, identity, role, Instant.MAX), CODEC, 8, Session.KitChanges.NONE);
    }
}
