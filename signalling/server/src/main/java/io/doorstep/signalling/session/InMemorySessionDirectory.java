package io.doorstep.signalling.session;

import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Sessions in memory. Owned by the switchboard thread. */
public final class InMemorySessionDirectory implements SessionDirectory {
    /** The node id of a single box, which has no other nodes. */
    public static final String SINGLE_NODE = "local";

    private final String nodeId;
    private final Map<String, Session> byId = new HashMap<>();
    private final Map<String, Session> byIdentity = new HashMap<>();
    private final Map<Role, Integer> counts = new EnumMap<>(Role.class);

    public InMemorySessionDirectory() {
        this(SINGLE_NODE);
    }

    public InMemorySessionDirectory(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public void put(Session session) {
        if (byId.put(session.id(), session) == null) {
            counts.merge(session.role(), 1, Integer::sum);
        }
        byIdentity.put(session.identityId(), session);
    }

    @Override
    public Optional<Session> get(String sessionId) {
        return Optional.ofNullable(byId.get(sessionId));
    }

    @Override
    public Optional<Session> byIdentity(String identityId) {
        return Optional.ofNullable(byIdentity.get(identityId));
    }

    @Override
    public void remove(Session session) {
        if (byId.remove(session.id(), session)) {
            counts.merge(session.role(), -1, Integer::sum);
        }
        byIdentity.remove(session.identityId(), session);
    }

    @Override
    public Collection<Session> all() {
        return byId.values();
    }

    @Override
    public Optional<SessionLocation> locate(String identityId) {
        return byIdentity(identityId).map(s -> new SessionLocation(nodeId, s.id()));
    }

    @Override
    public boolean deliver(String identityId, ServerMessage message) {
        Session session = byIdentity.get(identityId);
        if (session == null) {
            return false;
        }
        session.send(message);
        return true;
    }

    @Override
    public int count(Role role) {
        return counts.getOrDefault(role, 0);
    }
}
