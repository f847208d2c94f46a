package io.doorstep.loadtest.calllog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks the server's call log (JSON lines, one per call transition) against the calls a run placed: every call
 * must have a record, and its last must be its end. Only what was appended after {@link #mark} is read, so a log
 * that already held other runs' calls can be audited.
 */
public final class CallLogAudit {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param calls       distinct calls with a record
     * @param unended     calls whose records have no "ended" state
     * @param unreadable  lines that did not parse (a torn write would show here)
     */
    public record Result(long calls, long unended, long unreadable) {
        /** Every call placed has its records, ended. */
        public boolean complete(long placed) {
            return calls == placed && unended == 0 && unreadable == 0;
        }
    }

    private final Path file;
    private final long offset;

    private CallLogAudit(Path file, long offset) {
        this.file = file;
        this.offset = offset;
    }

    /** Remembers where the log ends now: the audit reads what comes after. */
    public static CallLogAudit mark(Path file) throws IOException {
        return new CallLogAudit(file, Files.exists(file) ? Files.size(file) : 0);
    }

    public Result audit() throws IOException {
        Map<String, Boolean> ended = new HashMap<>();
        long unreadable = 0;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            in.seek(offset);
            byte[] rest = new byte[(int) (in.length() - offset)];
            in.readFully(rest);
            for (String line : new String(rest, StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode entry = JSON.readTree(line);
                    ended.merge(entry.path("callId").asText(), "ended".equals(entry.path("state").asText()),
                            Boolean::logicalOr);
                } catch (IOException e) {
                    unreadable++;
                }
            }
        }
        return new Result(ended.size(), ended.values().stream().filter(e -> !e).count(), unreadable);
    }
}
