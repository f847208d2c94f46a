package io.doorstep.signalling.session;

import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.util.Collection;
import java.util.Optional;

/**
 * The sessions this node holds, by session id and by identity (one session per identity). Session objects are this
 * node's own (they hold its connections); a cluster implementation also records in Redis which node holds each
 * identity's session, so that a sign-in on one node finds the same identity's session on another.
 */
public interface SessionDirectory {
    void put(Session session);

    Optional<Session> get(String sessionId);

    Optional<Session> byIdentity(String identityId);

    void remove(Session session);

    Collection<Session> all();

    /** Where the identity's session is held, on this node or (cluster) another; empty if nowhere. */
    Optional<SessionLocation> locate(String identityId);

    /**
     * Sends {@code message} to the identity's session wherever it is held: here, or (cluster) through its node's
     * channel, at most once. False if the identity has no session anywhere.
     */
    boolean deliver(String identityId, ServerMessage message);

    /** Sessions of a role, counted as they come and go: the gauges read it after every change. */
    int count(Role role);
}
