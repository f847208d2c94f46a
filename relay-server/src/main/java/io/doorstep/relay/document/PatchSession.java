package io.doorstep.relay.document;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of one PATCH (or of a creation-with-upload) being written to a document. The event loop hands each chunk
 * over with {@link #offer}; everything else runs on the document's thread, in order: {@link #begin} (offset check,
 * 409; a newer PATCH takes the document over from an older one, which ends with 409, so two never interleave),
 * {@link #write} per chunk, {@link #finish} (checksum, 460; fsync; completion).
 *
 * <p>Without a checksum each chunk is written to the document and becomes visible to readers at once. With one the
 * body goes to {@code <id>.patch} first and joins the document only when its SHA-256 matches.
 *
 * <p>A long body without a checksum is written back to the disk as it arrives ({@link DiskExecutors#writeBack}, every
 * {@link #WRITE_BACK_BYTES}), so the fsync that ends it waits for its last stretch only, not for all of it.
 *
 * <p>Back-pressure: when more than {@link #HIGH_WATER} bytes wait for the disk the connection stops reading
 * ({@link Backlog}), and reads again below {@link #LOW_WATER}, so a slow disk bounds memory per upload.
 */
final class PatchSession {
    private static final Logger log = LoggerFactory.getLogger(PatchSession.class);
    static final long HIGH_WATER = 1024 * 1024;
    static final long LOW_WATER = 256 * 1024;
    static final long WRITE_BACK_BYTES = 1024 * 1024;

    /** Told on the event loop when the bytes waiting for the disk go over or back under the limit. */
    @FunctionalInterface
    interface Backlog {
        void over(boolean over);
    }

    private final DocumentRelay relay;
    private final Upload upload;
    private final long start;
    private final Checksum checksum;
    private final Channel channel;
    private final Backlog backlog;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private long pending; // event loop only
    private FileChannel file; // the rest: the document's thread only
    private MessageDigest bodyDigest;
    private MessageDigest wholeDigest;
    private long written;
    private long lastArrival;
    private long notWrittenBack;
    private final AtomicBoolean writingBack = new AtomicBoolean();
    private boolean ended;

    PatchSession(DocumentRelay relay, Upload upload, long start, Checksum checksum, Channel channel, Backlog backlog) {
        this.relay = relay;
        this.upload = upload;
        this.start = start;
        this.checksum = checksum;
        this.channel = channel;
        this.backlog = backlog;
    }

    /** The offset after the body, or the reason it was refused (a {@link DocumentException}). */
    CompletableFuture<Long> result() {
        return result;
    }

    /** On the event loop: hands a chunk of the body over (this session releases it). */
    void offer(HttpContent content, long arrivalNanos) {
        ByteBuf buf = content.content();
        int n = buf.readableBytes();
        if (n == 0) {
            content.release();
            return;
        }
        pending += n;
        if (pending > HIGH_WATER) {
            backlog.over(true);
        }
        upload.executor.execute(() -> write(buf, arrivalNanos));
    }

    private void drained(int n) {
        pending -= n;
        if (pending <= LOW_WATER) {
            backlog.over(false);
        }
    }

    /** On the event loop: the body has ended. */
    void end() {
        upload.executor.execute(this::finish);
    }

    /** On the event loop: the connection closed before the body ended. */
    void abort() {
        upload.executor.execute(() -> fail(DocumentError.BAD_REQUEST.with("the connection closed")));
    }

    void begin() {
        try {
            if (upload.state == Upload.State.GONE || upload.state == Upload.State.CREATING) {
                throw DocumentError.GONE.with("the document was deleted or its upload abandoned");
            }
            if (upload.writer != null) {
                upload.writer.fail(DocumentError.OFFSET_MISMATCH.with("a newer PATCH took over this upload"));
            }
            if (start != upload.offset) {
                throw DocumentError.OFFSET_MISMATCH.with("Upload-Offset is " + start + ", the upload is at "
                        + upload.offset);
            }
            upload.writer = this;
            relay.ensureDigest(upload);
            file = checksum == null ? relay.store.openData(upload.id) : relay.store.openPatch(upload.id);
            if (checksum != null) {
                bodyDigest = Digests.sha256();
                wholeDigest = Digests.copy(upload.digest);
            }
        } catch (DocumentException e) {
            fail(e);
        } catch (IOException e) {
            failOnDisk(e);
        }
    }

    private boolean active() {
        return upload.writer == this && !ended;
    }

    private void write(ByteBuf buf, long arrivalNanos) {
        int n = buf.readableBytes();
        try {
            if (!active()) {
                return;
            }
            if (start + written + n > upload.length) {
                throw DocumentError.TOO_LARGE.with("the body goes beyond Upload-Length " + upload.length);
            }
            writeFully(buf, checksum == null ? upload.offset : written);
            written += n;
            lastArrival = arrivalNanos;
            if (checksum != null) {
                Digests.update(bodyDigest, buf);
                Digests.update(wholeDigest, buf);
            } else {
                Digests.update(upload.digest, buf);
                relay.advance(upload, n, arrivalNanos);
                writeBackEarly(n);
            }
        } catch (DocumentException e) {
            fail(e);
        } catch (IOException e) {
            failOnDisk(e);
        } finally {
            buf.release();
            channel.eventLoop().execute(() -> drained(n));
        }
    }

    private void writeBackEarly(int n) {
        notWrittenBack += n;
        if (notWrittenBack < WRITE_BACK_BYTES || !writingBack.compareAndSet(false, true)) {
            return; // one write-back at a time: the next stretch goes with the next one
        }
        notWrittenBack = 0;
        FileChannel f = file;
        relay.disk.writeBack(() -> {
            try {
                long start = System.nanoTime();
                f.force(false);
                relay.metrics.writtenBack(System.nanoTime() - start);
            } finally {
                writingBack.set(false);
            }
        });
    }

    private void writeFully(ByteBuf buf, long position) throws IOException {
        int index = buf.readerIndex();
        int left = buf.readableBytes();
        while (left > 0) {
            int n = buf.getBytes(index, file, position, left);
            index += n;
            position += n;
            left -= n;
        }
    }

    private void finish() {
        if (!active()) {
            return;
        }
        try {
            if (checksum == null) {
                file.force(false);
            } else if (!commitChecksummed()) {
                return;
            }
            ended = true;
            upload.writer = null;
            close();
            if (upload.offset == upload.length && upload.state == Upload.State.UPLOADING) {
                relay.complete(upload);
            } else {
                relay.progress(upload);
            }
            result.complete(upload.offset);
        } catch (IOException e) {
            failOnDisk(e);
        }
    }

    /** Verifies the body's SHA-256 (460 on a mismatch) and appends the body to the document. */
    private boolean commitChecksummed() throws IOException {
        if (!Arrays.equals(bodyDigest.digest(), checksum.sha256())) {
            fail(DocumentError.CHECKSUM_MISMATCH.with("the body's SHA-256 does not match Upload-Checksum"));
            return false;
        }
        try (FileChannel data = relay.store.openData(upload.id)) {
            for (long done = 0; done < written; ) {
                done += file.transferTo(done, written - done, data.position(start + done));
            }
            data.force(false);
        }
        Files.deleteIfExists(relay.store.patch(upload.id));
        upload.digest = wholeDigest;
        return relay.advance(upload, written, lastArrival);
    }

    private void failOnDisk(IOException e) {
        log.error("document {}: write failed: {}", upload.id, e.toString());
        fail(DocumentError.INTERNAL.with("the relay could not store the bytes"));
    }

    /** On the document's thread: ends the session with {@code e}; bytes already accepted stay. */
    void fail(DocumentException e) {
        if (ended) {
            return;
        }
        ended = true;
        if (upload.writer == this) {
            upload.writer = null;
            discardUncommitted();
        }
        close();
        result.completeExceptionally(e);
    }

    private void discardUncommitted() {
        if (file == null) {
            return;
        }
        try {
            if (checksum == null) {
                file.truncate(upload.offset);
                file.force(false);
            } else {
                Files.deleteIfExists(relay.store.patch(upload.id));
            }
        } catch (IOException e) {
            log.warn("document {}: cannot discard an unfinished write: {}", upload.id, e.toString());
        }
    }

    private void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                log.warn("document {}: close failed: {}", upload.id, e.toString());
            }
            file = null;
        }
    }
}
