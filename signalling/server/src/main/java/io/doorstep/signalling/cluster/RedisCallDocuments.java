package io.doorstep.signalling.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.signalling.documents.CallDocuments;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * The connected calls' documents and print jobs in Redis, one hash each per call ({@code documents:<call>},
 * {@code print-jobs:<call>}, values as JSON), and the relay's event ids applied ({@code document-event:<id>}, kept
 * {@link #EVENT_MEMORY}): a relay's event posted to any node, a print result reaching another node than its request,
 * a party signing in again elsewhere, all find the same call. One round trip per read or write.
 */
public final class RedisCallDocuments implements CallDocuments {
    /** How long an applied event id is remembered: the relay retries a post for well under a minute. */
    static final Duration EVENT_MEMORY = Duration.ofMinutes(10);
    /**
     * How long a call's documents and print jobs stay after their last write if nobody forgets them: a call ends
     * within its TURN credentials' 4 hours, and a dead node's call may end where nobody runs {@link #forget}.
     */
    static final Duration GUARD = Duration.ofHours(24);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisClusterCommands<String, String> redis;
    private final RedisKeys keys;

    public RedisCallDocuments(RedisClusterCommands<String, String> redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public Optional<Known> get(String callId, String documentId) {
        return Optional.ofNullable(redis.hget(keys.documents(callId), documentId)).map(v -> read(v, Known.class));
    }

    @Override
    public Collection<Known> all(String callId) {
        return redis.hvals(keys.documents(callId)).stream().map(v -> read(v, Known.class)).toList();
    }

    @Override
    public void put(String callId, Known document) {
        keep(keys.documents(callId), document.documentId(), write(document));
    }

    @Override
    public void remove(String callId, String documentId) {
        redis.hdel(keys.documents(callId), documentId);
    }

    @Override
    public Optional<PrintJob> job(String callId, String jobId) {
        return Optional.ofNullable(redis.hget(keys.printJobs(callId), jobId)).map(v -> read(v, PrintJob.class));
    }

    @Override
    public int jobCount(String callId) {
        return redis.hlen(keys.printJobs(callId)).intValue();
    }

    @Override
    public void putJob(String callId, String jobId, PrintJob job) {
        keep(keys.printJobs(callId), jobId, write(job));
    }

    @Override
    public boolean firstTime(String eventId) {
        return "OK".equals(redis.set(keys.documentEvent(eventId), "1",
                SetArgs.Builder.nx().px(EVENT_MEMORY.toMillis())));
    }

    @Override
    public void forget(String callId) {
        redis.del(keys.documents(callId), keys.printJobs(callId));
    }

    private void keep(String key, String field, String value) {
        redis.hset(key, field, value);
        redis.pexpire(key, GUARD.toMillis());
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable " + type.getSimpleName() + " in Redis", e);
        }
    }
}
