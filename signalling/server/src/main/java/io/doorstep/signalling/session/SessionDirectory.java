package io.doorstep.signalling.session;

import io.doorstep.protocol.Role;
import java.util.Collection;
import java.util.Optional;

/**
 * The sessions this node holds, by session id and by identity (one session per identity). A cluster
 * implementation also records which node holds each session.
 */
public interface SessionDirectory {
    void put(Session session);

    Optional<Session> get(String sessionId);

    Optional<Session> byIdentity(String identityId);

    void remove(Session session);

    Collection<Session> all();

    /** Sessions of a role, counted as they come and go: the gauges read it after every change. */
    int count(Role role);
}
