package io.doorstep.signalling.auth;

import io.doorstep.protocol.Role;
import java.time.Instant;

/** A verified identity: who, in which role, and until when the token is good. */
public record Principal(String id, String name, Role role, Instant expiresAt) {
}
