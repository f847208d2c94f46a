package io.doorstep.signalling.session;

/** What the call routing needs to hear about sessions. Called on the switchboard thread. */
public interface SessionListener {
    /** A fresh session signed in; {@code tookOver} when it replaced an older session of the same identity. */
    void onSignedIn(Session session, boolean tookOver);

    /** The connection dropped; the session may resume within the grace period. */
    void onDetached(Session session);

    /** A detached session resumed on a new connection. */
    void onResumed(Session session);

    /** The session is over: signed out, grace period expired, or server stopped. {@code cause} says which. */
    void onClosed(Session session, String cause);

    /**
     * One of the events above was applied by another node, the owner of the session's call (cluster): only what this
     * node counts of its own sessions changed here.
     */
    default void onAppliedElsewhere(Session session) {
    }
}
