package io.doorstep.signalling.session;

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
}
