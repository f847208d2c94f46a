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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents on local disk, one directory: {@code <id>.data} (the bytes), {@code <id>.json} (a
 * {@link StoredDocument}, replaced atomically), while a checksummed PATCH is in flight {@code <id>.patch}, and for a
 * deleted document only its {@code <id>.gone} ({@link Tombstone}).
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

    /** What the directory holds: the documents and the tombstones of deleted ones. */
    record Contents(List<StoredDocument> documents, List<Tombstone> gone) {
    }

    /**
     * Every document and tombstone on disk. Leftovers of interrupted writes (temporary and patch files) are removed,
     * and so are the files of a document whose deletion a crash interrupted after its tombstone was written.
     */
    Contents loadAll() throws IOException {
        List<StoredDocument> documents = new ArrayList<>();
        List<Tombstone> gone = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp") || name.endsWith(".patch")) {
                    Files.deleteIfExists(f);
                } else if (name.endsWith(".json")) {
                    read(f, StoredDocument.class, StoredDocument::id).ifPresent(documents::add);
                } else if (name.endsWith(".gone")) {
                    read(f, Tombstone.class, Tombstone::id).ifPresent(gone::add);
                }
            }
        }
        for (Tombstone t : gone) {
            DocumentId id = new DocumentId(t.id());
            if (documents.removeIf(d -> d.id().equals(t.id()))) {
                deleteFiles(id);
            }
        }
        return new Contents(documents, gone);
    }

    private <T> Optional<T> read(Path f, Class<T> type, Function<T, String> id) {
        String suffix = f.getFileName().toString().substring(f.getFileName().toString().lastIndexOf('.'));
        try {
            T record = JSON.readValue(f.toFile(), type);
            if (!f.getFileName().toString().equals(new DocumentId(id.apply(record)).value() + suffix)) {
                throw new IOException("the id inside does not match the file name");
            }
            return Optional.of(record);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
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

    /**
     * Deletes the document's files, leaving its tombstone: written (atomically) first, so that a crash in between
     * leaves a tombstone whose leftovers the next start removes, never a document that comes back.
     */
    void delete(DocumentId id, Tombstone tombstone) throws IOException {
        Path tmp = file(id, ".gone.tmp");
        Files.write(tmp, JSON.writeValueAsBytes(tombstone));
        Files.move(tmp, file(id, ".gone"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        deleteFiles(id);
    }

    private void deleteFiles(DocumentId id) throws IOException {
        Files.deleteIfExists(file(id, ".json"));
        Files.deleteIfExists(data(id));
        Files.deleteIfExists(patch(id));
        syncDirectory();
    }

    /** Removes a tombstone: the document is then unknown (404). */
    void forget(DocumentId id) throws IOException {
        Files.deleteIfExists(file(id, ".gone"));
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
