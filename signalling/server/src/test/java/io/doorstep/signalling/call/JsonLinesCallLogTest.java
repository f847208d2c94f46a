package io.doorstep.signalling.call;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class JsonLinesCallLogTest extends CallLogContract {
    private Path file;

    @Override
    protected CallLog newLog() {
        try {
            file = Files.createTempDirectory("calllog").resolve("calls.jsonl");
            return new JsonLinesCallLog(file, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected List<String> durableRecords() throws IOException {
        return Files.readAllLines(file);
    }
}
