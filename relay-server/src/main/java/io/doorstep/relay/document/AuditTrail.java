package io.doorstep.relay.document;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents' audit trail: one JSON line per event (created, completed, read, abandoned, deleted) in
 * {@code <documents>/audit.jsonl}, with the call, the document, who did it, the size and the SHA-256. Never the
 * content, and none of the uploader's metadata that may be personal (the file name).
 */
final class AuditTrail implements DocumentListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String FILE = "audit.jsonl";

    private final FileChannel out;
    private final Clock clock;

    AuditTrail(Path dir, Clock clock) {
        this.clock = clock;
        try {
            out = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the document audit trail in " + dir, e);
        }
    }

    @Override
    public void created(DocumentInfo document, DocumentParty by) {
        write(record("created", document).put("by", by.subject()).put("role", by.role().wireName()));
    }

    @Override
    public void completed(DocumentInfo document) {
        write(record("completed", document));
    }

    @Override
    public void read(DocumentInfo document, DocumentParty by) {
        write(record("read", document).put("by", by.subject()).put("role", by.role().wireName()));
    }

    @Override
    public void abandoned(DocumentInfo document, String reason) {
        write(record("abandoned", document).put("reason", reason));
    }

    @Override
    public void deleted(DocumentInfo document, String reason) {
        write(record("deleted", document).put("reason", reason));
    }

    private ObjectNode record(String event, DocumentInfo d) {
        ObjectNode r = JSON.createObjectNode().put("time", clock.instant().toString()).put("event", event)
                .put("call", d.callId()).put("document", d.documentId()).put("length", d.length())
                .put("offset", d.offset());
        if (d.type() != null) {
            r.put("type", d.type());
        }
        if (d.sha256() != null) {
            r.put("sha256", d.sha256());
        }
        return r;
    }

    private synchronized void write(ObjectNode record) {
        try {
            ByteBuffer line = ByteBuffer.wrap((JSON.writeValueAsString(record) + "\n").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            while (line.hasRemaining()) {
                out.write(line);
            }
        } catch (IOException e) {
            log.error("cannot write the document audit trail: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.force(true);
            out.close();
        } catch (IOException e) {
            log.warn("closing the document audit trail: {}", e.toString());
        }
    }
}
