package io.doorstep.signalling.session;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Sessions in memory. Owned by the switchboard thread. */
public final class InMemorySessionDirectory implements SessionDirectory {
    private final Map<String, Session> byId = new HashMap<>();
    private final Map<String, Session> byIdentity = new HashMap<>();

    @Override
    public void put(Session session) {
        byId.put(session.id(), session);
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
        byId.remove(session.id(), session);
        byIdentity.remove(session.identityId(), session);
    }

    @Override
    public Collection<Session> all() {
        return byId.values();
    }
}
