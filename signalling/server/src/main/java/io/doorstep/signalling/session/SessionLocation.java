package io.doorstep.signalling.session;

/** Where an identity's session is held: the node, and the session's id there. */
public record SessionLocation(String nodeId, String sessionId) {
}
