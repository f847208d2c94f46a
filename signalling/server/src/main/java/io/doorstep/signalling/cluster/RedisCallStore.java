package io.doorstep.signalling.cluster;

import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallStore;
import io.doorstep.signalling.cluster.Scripts.Name;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live calls in Redis, shared by every node: a hash per call with an index of parties. A call is owned by the
 * node that created it (its station's node) until a survivor reclaims it from a dead one ({@link NodeRegistry}).
 * One round trip per call.
 */
public final class RedisCallStore implements CallStore {
    private final RedisClusterCommands<String, String> redis;
    private final RedisKeys keys;
    private final Scripts scripts;
    private final String nodeId;

    public RedisCallStore(RedisClusterCommands<String, String> redis, RedisKeys keys, String nodeId) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = new Scripts(redis, keys);
        this.nodeId = nodeId;
    }

    @Override
    public void put(Call call) {
        scripts.run(Name.CALL_PUT, ScriptOutputType.INTEGER, Codec.args(Codec.callFields(call), nodeId, call.id()));
    }

    @Override
    public Optional<Call> get(String callId) {
        return rows("one", callId).stream().findFirst();
    }

    @Override
    public Map<String, Call> getAll(Collection<String> callIds) {
        Map<String, Call> out = new HashMap<>();
        if (!callIds.isEmpty()) {
            List<String> args = new ArrayList<>(callIds.size() + 1);
            args.add("many");
            args.addAll(callIds);
            rows(args.toArray(String[]::new)).forEach(c -> out.put(c.id(), c));
        }
        return out;
    }

    @Override
    public int count() {
        return redis.scard(keys.calls()).intValue();
    }

    @Override
    public void remove(String callId) {
        scripts.run(Name.CALL_REMOVE, ScriptOutputType.INTEGER, callId);
    }

    @Override
    public Optional<Call> activeCallOf(String identityId) {
        return rows("party", identityId).stream().findFirst();
    }

    @Override
    public Collection<Call> all() {
        return rows("all");
    }

    @Override
    public Collection<Call> owned() {
        return ownedBy(nodeId).stream().map(this::get).flatMap(Optional::stream).toList();
    }

    /** The node that owns a call, if the call is live. */
    public Optional<String> owner(String callId) {
        return Optional.ofNullable(redis.hget(keys.call(callId), "node"));
    }

    /** The ids of the live calls a node owns. */
    public java.util.Set<String> ownedBy(String node) {
        return redis.smembers(keys.nodeCalls(node));
    }

    private List<Call> rows(String... args) {
        List<List<Object>> rows = scripts.run(Name.CALL_READ, ScriptOutputType.MULTI, args);
        return rows.stream().map(Codec::call).toList();
    }
}
