package io.doorstep.signalling.call;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The call log as JSON lines in one append-only file. Each entry is handed to the kernel with one write before
 * {@link #append} returns, so a killed process loses nothing it appended; with {@code fsync} each entry also reaches
 * the disk before returning, so power loss loses nothing either.
 */
public final class JsonLinesCallLog implements CallLog {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private final FileChannel file;
    private final boolean fsync;

    public JsonLinesCallLog(Path path, boolean fsync) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        this.fsync = fsync;
    }

    @Override
    public void append(Entry entry) throws IOException {
        appendJson(json(entry));
    }

    /** An entry as its line of JSON (without the newline): the same in the file and in the cluster's stream. */
    public static byte[] json(Entry entry) throws IOException {
        return JSON.writeValueAsBytes(entry);
    }

    /** Appends one line already in JSON: an entry that went through the cluster's stream. */
    public void appendJson(byte[] json) throws IOException {
        ByteBuffer line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        while (line.hasRemaining()) {
            file.write(line);
        }
        if (fsync) {
            file.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        file.force(true);
        file.close();
    }
}
