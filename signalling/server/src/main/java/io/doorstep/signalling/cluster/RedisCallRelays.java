package io.doorstep.signalling.cluster;

import io.doorstep.signalling.cluster.Scripts.Name;
import io.doorstep.signalling.media.CallRelays;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Each call's relay in its Redis hash ({@code call:<id>} fields {@code relay}, {@code relay-town}): every node hands
 * out the same relay for a call, a change is a compare-and-set (two nodes choosing at once agree on one; a move off a dead
 * relay happens once), and the call's owner (field {@code node}) is the node that moves it. The fields go with the
 * hash when the call ends.
 */
public final class RedisCallRelays implements CallRelays {
    private final RedisClusterCommands<String, String> redis;
    private final RedisKeys keys;
    private final Scripts scripts;
    private final String nodeId;

    public RedisCallRelays(RedisClusterCommands<String, String> redis, RedisKeys keys, String nodeId) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = new Scripts(redis, keys);
        this.nodeId = nodeId;
    }

    @Override
    public Optional<Assignment> get(String callId) {
        List<String> fields = redis.hmget(keys.call(callId), "relay", "relay-town").stream()
                .map(v -> v.getValueOrElse(null)).toList();
        return fields.get(0) == null ? Optional.empty()
                : Optional.of(new Assignment(fields.get(0), Objects.requireNonNullElse(fields.get(1), "")));
    }

    @Override
    public boolean replace(String callId, String expectedRelayId, Assignment next) {
        long done = scripts.run(Name.CALL_RELAY, ScriptOutputType.INTEGER, "replace", callId,
                Objects.requireNonNullElse(expectedRelayId, ""), next == null ? "" : next.relayId(),
                next == null ? "" : next.town());
        return done == 1;
    }

    /** Nothing to do: the fields leave with the call's hash. */
    @Override
    public void release(String callId) {
    }

    @Override
    public boolean owns(String callId) {
        return nodeId.equals(redis.hget(keys.call(callId), "node"));
    }

    @Override
    public Map<String, Assignment> ownedOn(String relayId) {
        List<List<String>> rows = scripts.run(Name.CALL_RELAY, ScriptOutputType.MULTI, "owned", nodeId, relayId);
        Map<String, Assignment> on = new HashMap<>();
        rows.forEach(r -> on.put(r.get(0), new Assignment(relayId, r.get(1))));
        return on;
    }
}
