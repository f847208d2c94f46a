package io.doorstep.signalling.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CallLog} must do, run against each implementation (a JSON-lines file, a Redis stream): once
 * {@code append} returns, the record is durable, in order, as one JSON object with no personal data beyond ids.
 */
public abstract class CallLogContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CallLog log = newLog();

    protected abstract CallLog newLog();

    /** The records the log holds durably now (the file's lines, the stream's entries), oldest first. */
    protected abstract List<String> durableRecords() throws Exception;

    @AfterEach
    void close() throws Exception {
        log.close();
    }

    @Test
    void appendedRecordsAreDurableInOrder() throws Exception {
        Call call = Call.queued("c-1", "st-1", "MI-001", "medical", false, 1_000);
        log.append(CallLogEntry.of(call, "queued", null, 1_000));
        Call offered = call.offer("ag-1", 2_000);
        log.append(CallLogEntry.of(offered, "offered", "ag-1", 2_000));
        log.append(DocumentLogEntry.document(2_500, "c-1", "document.completed", "d-1", "st-1", "station",
                "image/jpeg", 1234, "ab".repeat(32), null));
        Call ended = offered.accept(3_000).end(CallEvent.HANGUP, "HANGUP", 9_000);
        log.append(CallLogEntry.of(ended, "ended", "ag-1", 9_000));

        List<JsonNode> records = durableRecords().stream().map(CallLogContract::parse).toList();
        assertThat(records).extracting(r -> r.get("event").asText())
                .containsExactly("queued", "offered", "document.completed", "ended");
        assertThat(records).allSatisfy(r -> assertThat(r.get("callId").asText()).isEqualTo("c-1"));
        JsonNode end = records.get(3);
        assertThat(end.get("talkMs").asLong()).isEqualTo(6_000);
        assertThat(end.get("reason").asText()).isEqualTo("completed");
        assertThat(records.get(0).has("agentId")).as("nulls are left out").isFalse();
        assertThat(records.get(2).get("sha256").asText()).hasSize(64);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
