package io.doorstep.signalling.cluster;

import io.doorstep.signalling.call.CallLog;
import io.doorstep.signalling.call.JsonLinesCallLog;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The call log of a cluster: each record is added to one Redis stream (XADD) before {@link #append} returns, so a
 * node that dies right after loses nothing it logged; the stream's ids order the records of all nodes.
 * {@link CallLogArchiver}s copy the stream into the JSON-lines file. One round trip per record.
 */
public final class RedisStreamCallLog implements CallLog {
    /** The stream entry's one field: the record as the file's JSON line. */
    static final String FIELD = "entry";

    private final RedisClusterCommands<String, String> redis;
    private final RedisKeys keys;

    public RedisStreamCallLog(RedisClusterCommands<String, String> redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public void append(Entry entry) throws IOException {
        String json = new String(JsonLinesCallLog.json(entry), StandardCharsets.UTF_8);
        try {
            redis.xadd(keys.callLog(), Map.of(FIELD, json));
        } catch (RedisException e) {
            throw new IOException("the call log stream cannot be written: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // the connection belongs to whoever opened it
    }
}
