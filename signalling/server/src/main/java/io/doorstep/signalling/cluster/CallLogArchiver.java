package io.doorstep.signalling.cluster;

import io.doorstep.signalling.call.JsonLinesCallLog;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Copies the cluster's call log stream into a JSON-lines file, as one consumer of the stream's consumer group
 * {@value #GROUP}. A record leaves the stream only after it is in the file (XACK, then XDEL); records a consumer read
 * but never acknowledged (its node died) are claimed by another archiver once they have waited {@code claimAfter}.
 * Delivery is at least once: a record written just before its archiver died may appear twice in the files.
 */
public final class CallLogArchiver {
    static final String GROUP = "archive";

    private final RedisClusterCommands<String, String> redis;
    private final String stream;
    private final Consumer<String> consumer;
    private final JsonLinesCallLog file;
    private final Duration claimAfter;

    public CallLogArchiver(RedisClusterCommands<String, String> redis, RedisKeys keys, String consumerName,
                           JsonLinesCallLog file, Duration claimAfter) {
        this.redis = redis;
        this.stream = keys.callLog();
        this.consumer = Consumer.from(GROUP, consumerName);
        this.file = file;
        this.claimAfter = claimAfter;
        createGroup();
    }

    private void createGroup() {
        try {
            redis.xgroupCreate(StreamOffset.from(stream, "0"), GROUP, XGroupCreateArgs.Builder.mkstream());
        } catch (RedisBusyException e) {
            // the group exists: another archiver (or this one, earlier) made it
        }
    }

    /**
     * Archives up to {@code max} records of each kind waiting now: this consumer's own unacknowledged ones (it was
     * restarted), those of consumers silent for {@code claimAfter}, then new ones. Never blocks on an empty stream.
     * Returns how many records went to the file.
     */
    public int drain(int max) throws IOException {
        try {
            return drainOnce(max);
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("NOGROUP")) {
                throw e;
            }
            createGroup(); // Redis came back without its data: the group again, from the stream's first record
            return drainOnce(max);
        }
    }

    private int drainOnce(int max) throws IOException {
        int n = archive(redis.xreadgroup(consumer, XReadArgs.Builder.count(max), StreamOffset.from(stream, "0")));
        n += archive(redis.xautoclaim(stream, XAutoClaimArgs.Builder.xautoclaim(consumer, claimAfter, "0-0")
                .count(max)).getMessages());
        n += archive(redis.xreadgroup(consumer, XReadArgs.Builder.count(max), StreamOffset.lastConsumed(stream)));
        return n;
    }

    private int archive(List<StreamMessage<String, String>> messages) throws IOException {
        for (StreamMessage<String, String> m : messages) {
            String json = m.getBody().get(RedisStreamCallLog.FIELD);
            if (json != null) { // null: deleted after delivery, nothing left to copy
                file.appendJson(json.getBytes(StandardCharsets.UTF_8));
            }
            redis.xack(stream, GROUP, m.getId());
            redis.xdel(stream, m.getId());
        }
        return messages.size();
    }
}
