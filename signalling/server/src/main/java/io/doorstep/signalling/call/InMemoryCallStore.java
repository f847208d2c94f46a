package io.doorstep.signalling.call;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Live calls in memory, indexed by id and by party. Owned by one thread; not thread-safe. */
public final class InMemoryCallStore implements CallStore {
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final Map<String, String> byParty = new HashMap<>();

    @Override
    public void put(Call call) {
        Call old = calls.put(call.id(), call);
        if (old != null && old.currentAgent() != null && !old.currentAgent().equals(call.currentAgent())) {
            byParty.remove(old.currentAgent(), call.id());
        }
        byParty.put(call.stationId(), call.id());
        if (call.currentAgent() != null) {
            byParty.put(call.currentAgent(), call.id());
        }
    }

    @Override
    public Optional<Call> get(String callId) {
        return Optional.ofNullable(calls.get(callId));
    }

    @Override
    public Map<String, Call> getAll(Collection<String> callIds) {
        Map<String, Call> out = new HashMap<>();
        callIds.forEach(id -> get(id).ifPresent(c -> out.put(id, c)));
        return out;
    }

    @Override
    public int count() {
        return calls.size();
    }

    @Override
    public void remove(String callId) {
        Call old = calls.remove(callId);
        if (old != null) {
            byParty.remove(old.stationId(), callId);
            if (old.currentAgent() != null) {
                byParty.remove(old.currentAgent(), callId);
            }
        }
    }

    @Override
    public Optional<Call> activeCallOf(String identityId) {
        String id = byParty.get(identityId);
        return id == null ? Optional.empty() : get(id);
    }

    @Override
    public Collection<Call> all() {
        return calls.values();
    }

    @Override
    public Collection<Call> owned() {
        return calls.values();
    }
}
