package io.doorstep.relay.document;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents on local disk, one directory: {@code <id>.data} (the bytes), {@code <id>.json} (a
 * {@link StoredDocument}, replaced atomically) and, while a checksummed PATCH is in flight, {@code <id>.patch}.
 * File names come only from a {@link DocumentId}, whose form is checked. Blocking: call it on a document I/O thread.
 */
final class DocumentStore {
    private static final Logger log = LoggerFactory.getLogger(DocumentStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    DocumentStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the document directory " + this.dir, e);
        }
    }

    Path dir() {
        return dir;
    }

    Path data(DocumentId id) {
        return file(id, ".data");
    }

    Path patch(DocumentId id) {
        return file(id, ".patch");
    }

    private Path file(DocumentId id, String suffix) {
        Path p = dir.resolve(id.value() + suffix).normalize();
        if (!dir.equals(p.getParent())) { // cannot happen with a valid id; checked anyway, cheaply
            throw new IllegalStateException("document path outside the store");
        }
        return p;
    }

    /**
     * Writes the record to a temporary file and renames it into place; {@code durable}: syncs both before returning.
     * A record that only repeats what the bytes on disk say (the hash of a complete document) need not be durable:
     * {@link DocumentRelay#recover} computes it again if a crash lost it.
     */
    void save(StoredDocument doc, boolean durable) throws IOException {
        DocumentId id = new DocumentId(doc.id());
        Path tmp = file(id, ".json.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(doc)));
            if (durable) {
                ch.force(true);
            }
        }
        Files.move(tmp, file(id, ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (durable) {
            syncDirectory();
        }
    }

    /** Every document on disk; leftovers of interrupted writes (temporary and patch files) are removed. */
    List<StoredDocument> loadAll() throws IOException {
        List<StoredDocument> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp") || name.endsWith(".patch")) {
                    Files.deleteIfExists(f);
                } else if (name.endsWith(".json")) {
                    read(f).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    private Optional<StoredDocument> read(Path f) {
        try {
            StoredDocument doc = JSON.readValue(f.toFile(), StoredDocument.class);
            if (!f.getFileName().toString().equals(new DocumentId(doc.id()).value() + ".json")) {
                throw new IOException("the id inside does not match the file name");
            }
            return Optional.of(doc);
        } catch (IOException | IllegalArgumentException e) {
            log.error("skipping unreadable document record {}: {}", f.getFileName(), e.getMessage());
            return Optional.empty();
        }
    }

    /** Bytes of the document on disk (0 when there is no data file yet). */
    long size(DocumentId id) throws IOException {
        Path p = data(id);
        return Files.exists(p) ? Files.size(p) : 0;
    }

    /** Creates the document's empty data file. */
    void create(DocumentId id) throws IOException {
        openData(id).close();
    }

    FileChannel openData(DocumentId id) throws IOException {
        return FileChannel.open(data(id), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    FileChannel openPatch(DocumentId id) throws IOException {
        return FileChannel.open(patch(id), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    FileChannel openForReading(DocumentId id) throws IOException {
        return FileChannel.open(data(id), StandardOpenOption.READ);
    }

    void delete(DocumentId id) throws IOException {
        Files.deleteIfExists(file(id, ".json"));
        Files.deleteIfExists(data(id));
        Files.deleteIfExists(patch(id));
        syncDirectory();
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for syncing; the rename itself is still atomic.
            log.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }
}
