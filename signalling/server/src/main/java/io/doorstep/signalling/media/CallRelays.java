package io.doorstep.signalling.media;

import java.util.Map;
import java.util.Optional;

/**
 * Which relay each connected call uses, kept with the call: in this server's memory on a single box, in the call's
 * Redis hash in a cluster (so that any node hands out the same relay, and the node that owns the call moves it).
 * Switchboard thread only.
 */
public interface CallRelays {
    /** A call's relay, and the town of its station (for choosing another in the same region). */
    record Assignment(String relayId, String town) {
    }

    Optional<Assignment> get(String callId);

    /**
     * Gives the call {@code next} (null: no relay) if its relay is still {@code expectedRelayId} (null: none).
     *
     * @return false, changing nothing, if the call's relay was changed meanwhile (by another node) or the call ended
     */
    boolean replace(String callId, String expectedRelayId, Assignment next);

    /** The call ended. */
    void release(String callId);

    /** Whether this server is the one to move the call when its relay is gone: its owner. */
    boolean owns(String callId);

    /** The calls this server owns whose relay is {@code relayId}, with their assignments. */
    Map<String, Assignment> ownedOn(String relayId);
}
