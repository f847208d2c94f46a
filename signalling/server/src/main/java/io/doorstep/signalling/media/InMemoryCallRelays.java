package io.doorstep.signalling.media;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The single box's call relays: a map, every call owned here. */
public final class InMemoryCallRelays implements CallRelays {
    private final Map<String, Assignment> byCall = new HashMap<>();

    @Override
    public Optional<Assignment> get(String callId) {
        return Optional.ofNullable(byCall.get(callId));
    }

    @Override
    public boolean replace(String callId, String expectedRelayId, Assignment next) {
        Assignment held = byCall.get(callId);
        if (!Objects.equals(held == null ? null : held.relayId(), expectedRelayId)) {
            return false;
        }
        if (next == null) {
            byCall.remove(callId);
        } else {
            byCall.put(callId, next);
        }
        return true;
    }

    @Override
    public void release(String callId) {
        byCall.remove(callId);
    }

    @Override
    public boolean owns(String callId) {
        return true;
    }

    @Override
    public Map<String, Assignment> ownedOn(String relayId) {
        Map<String, Assignment> on = new HashMap<>();
        byCall.forEach((callId, a) -> {
            if (a.relayId().equals(relayId)) {
                on.put(callId, a);
            }
        });
        return on;
    }
}
