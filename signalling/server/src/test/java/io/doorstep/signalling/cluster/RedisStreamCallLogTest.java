package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallLog;
import io.doorstep.signalling.call.CallLogContract;
import io.doorstep.signalling.call.CallLogEntry;
import io.doorstep.signalling.call.JsonLinesCallLog;
import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RedisStreamCallLogTest extends CallLogContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    private RedisKeys keys;

    @TempDir
    Path dir;

    @Override
    protected CallLog newLog() {
        keys = REDIS.newKeys();
        return new RedisStreamCallLog(REDIS.commands(), keys);
    }

    @Override
    protected List<String> durableRecords() {
        return REDIS.commands().xrange(keys.callLog(), Range.create("-", "+")).stream()
                .map(m -> m.getBody().get(RedisStreamCallLog.FIELD)).toList();
    }

    private static CallLogArchiver archiver(RedisKeys keys, String node, JsonLinesCallLog file, Duration claimAfter) {
        return new CallLogArchiver(REDIS.newConnection(), keys, node, file, claimAfter);
    }

    private static void appendCalls(CallLog log, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            log.append(CallLogEntry.of(Call.queued("c-" + i, "st-1", "MI-001", "g", false, i), "queued", null, i));
        }
    }

    private static List<String> callIds(Path file) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            ids.add(line.replaceAll(".*\"callId\":\"([^\"]+)\".*", "$1"));
        }
        return ids;
    }

    @Test
    void anArchiverCopiesTheStreamIntoTheFileAndEmptiesIt() throws Exception {
        RedisKeys shared = REDIS.newKeys();
        CallLog log = new RedisStreamCallLog(REDIS.commands(), shared);
        Path file = dir.resolve("calls.jsonl");
        try (JsonLinesCallLog archive = new JsonLinesCallLog(file, false)) {
            CallLogArchiver archiver = archiver(shared, "node-1", archive, Duration.ofSeconds(5));
            appendCalls(log, 0, 5);
            assertThat(archiver.drain(100)).isEqualTo(5);
            assertThat(archiver.drain(100)).as("nothing twice").isZero();
        }
        assertThat(callIds(file)).containsExactly("c-0", "c-1", "c-2", "c-3", "c-4");
        assertThat(REDIS.commands().xlen(shared.callLog())).isZero();
    }

    @Test
    void recordsADeadArchiverReadButNeverWroteAreClaimedByAnother() throws Exception {
        RedisKeys shared = REDIS.newKeys();
        CallLog log = new RedisStreamCallLog(REDIS.commands(), shared);
        Path file = dir.resolve("calls.jsonl");
        try (JsonLinesCallLog archive = new JsonLinesCallLog(file, false)) {
            CallLogArchiver survivor = archiver(shared, "node-2", archive, Duration.ofMillis(200));
            appendCalls(log, 0, 3);
            // node-1 reads three records and dies before writing them anywhere
            RedisCommands<String, String> dead = REDIS.newConnection();
            List<StreamMessage<String, String>> lost = dead.xreadgroup(Consumer.from(CallLogArchiver.GROUP, "node-1"),
                    XReadArgs.Builder.count(3), StreamOffset.lastConsumed(shared.callLog()));
            assertThat(lost).hasSize(3);
            appendCalls(log, 3, 5);
            assertThat(survivor.drain(100)).as("only the new ones: node-1's may still be in hand").isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> survivor.drain(100) == 3);
        }
        assertThat(callIds(file)).containsExactlyInAnyOrder("c-0", "c-1", "c-2", "c-3", "c-4");
        assertThat(REDIS.commands().xlen(shared.callLog())).isZero();
    }

    @Test
    void anArchiverRestartedUnderItsOwnNameFinishesWhatItHadRead() throws Exception {
        RedisKeys shared = REDIS.newKeys();
        CallLog log = new RedisStreamCallLog(REDIS.commands(), shared);
        appendCalls(log, 0, 2);
        REDIS.commands().xgroupCreate(StreamOffset.from(shared.callLog(), "0"), CallLogArchiver.GROUP);
        REDIS.commands().xreadgroup(Consumer.from(CallLogArchiver.GROUP, "node-1"), XReadArgs.Builder.count(2),
                StreamOffset.lastConsumed(shared.callLog()));
        Path file = dir.resolve("calls.jsonl");
        try (JsonLinesCallLog archive = new JsonLinesCallLog(file, false)) {
            CallLogArchiver restarted = archiver(shared, "node-1", archive, Duration.ofHours(1));
            assertThat(restarted.drain(100)).isEqualTo(2);
        }
        assertThat(callIds(file)).containsExactly("c-0", "c-1");
    }
}
