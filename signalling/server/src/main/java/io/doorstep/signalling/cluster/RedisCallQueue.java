package io.doorstep.signalling.cluster;

import io.doorstep.signalling.cluster.Scripts.Name;
import io.doorstep.signalling.routing.CallQueue;
import io.doorstep.signalling.routing.QueueEntry;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.List;

/**
 * The queues in Redis, shared by every node: one sorted set per skill group scored by priority class, then by an
 * arrival counter common to all nodes, so positions are global. One round trip per call.
 */
public final class RedisCallQueue implements CallQueue {
    private final RedisClusterCommands<String, String> redis;
    private final RedisKeys keys;
    private final Scripts scripts;

    public RedisCallQueue(RedisClusterCommands<String, String> redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = new Scripts(redis, keys);
    }

    @Override
    public QueueEntry enqueue(String callId, String skillGroup, boolean priority, long now) {
        long order = scripts.<Long>run(Name.QUEUE_ADD, ScriptOutputType.INTEGER, callId, skillGroup,
                priority ? "1" : "0", Long.toString(now));
        return new QueueEntry(callId, skillGroup, priority, now, order);
    }

    @Override
    public boolean remove(String callId) {
        return scripts.<Long>run(Name.QUEUE_REMOVE, ScriptOutputType.INTEGER, callId) == 1;
    }

    @Override
    public List<QueueEntry> entries(String skillGroup) {
        List<List<String>> rows = scripts.run(Name.QUEUE_ENTRIES, ScriptOutputType.MULTI, skillGroup);
        List<QueueEntry> out = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            String[] f = row.get(1).split("\t");
            out.add(new QueueEntry(row.get(0), f[0], f[1].equals("1"), Long.parseLong(f[2]), Long.parseLong(f[3])));
        }
        return out;
    }

    @Override
    public List<String> skillGroups() {
        return new ArrayList<>(redis.smembers(keys.queueGroups()));
    }
}
