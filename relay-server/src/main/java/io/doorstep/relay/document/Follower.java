package io.doorstep.relay.document;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One download (GET): sends what has arrived, then follows the upload, woken by each write, until the document is
 * complete (the chunked body ends with the SHA-256 as a trailer) or abandoned (the connection is closed before the
 * body's end, which every HTTP client reports as an error). Runs on the document's thread; one chunk in flight at a
 * time, so a slow reader holds at most {@link #CHUNK} bytes in memory.
 */
final class Follower {
    private static final Logger log = LoggerFactory.getLogger(Follower.class);
    static final int CHUNK = 64 * 1024;

    private final DocumentRelay relay;
    private final Upload upload;
    private final Channel channel;
    private final Runnable done;
    private final ByteRange range;
    /** Where the download stops (exclusive): the document's end, or its range's. */
    private final long end;
    private FileChannel file;
    private long position;
    private boolean started;
    private boolean chunked;
    private boolean writing;
    private boolean waiting;
    private boolean closed;

    /** {@code range}: null for the whole document, else one that {@link ByteRange#satisfiable} says lies in it. */
    Follower(DocumentRelay relay, Upload upload, Channel channel, ByteRange range, Runnable done) {
        this.relay = relay;
        this.upload = upload;
        this.channel = channel;
        this.range = range;
        this.done = done;
        this.position = range == null ? 0 : range.first();
        this.end = range == null ? upload.length : range.end(upload.length);
    }

    void start(DocumentParty reader) {
        if (upload.state == Upload.State.GONE) {
            channel.writeAndFlush(TusResponses.error(DocumentError.GONE.with("the upload was abandoned")))
                    .addListener(f -> channel.close());
            return;
        }
        try {
            file = relay.store.openForReading(upload.id);
        } catch (IOException e) {
            log.error("document {}: cannot open for reading: {}", upload.id, e.toString());
            channel.close();
            return;
        }
        upload.followers.add(this);
        relay.listener.read(upload.info(), reader);
        pump();
    }

    /** Sends the next chunk if one is there and none is in flight; ends the body when there is no more to come. */
    void pump() {
        if (closed || writing) {
            return;
        }
        if (upload.state == Upload.State.GONE) {
            abandon();
        } else if (position < available()) {
            send();
        } else if (upload.state == Upload.State.COMPLETE || range != null && position >= end) {
            end(); // a range ends with its last byte; the whole document waits for its hash, sent as a trailer
        } else {
            waiting = true;
        }
    }

    private void send() {
        ensureStarted();
        int n = (int) Math.min(CHUNK, available() - position);
        ByteBuf buf = channel.alloc().directBuffer(n);
        try {
            while (buf.writableBytes() > 0 && buf.writeBytes(file, position + buf.readableBytes(), buf.writableBytes()) > 0) {
                // read until the chunk is full
            }
        } catch (IOException e) {
            buf.release();
            log.error("document {}: read failed: {}", upload.id, e.toString());
            abandon();
            return;
        }
        position += buf.readableBytes();
        relay.metrics.bytesOut(buf.readableBytes());
        long arrival = waiting ? upload.lastArrivalNanos : 0;
        // caught up: the next bytes to arrive leave as soon as this write is done, so the reader is waiting for them
        waiting = position == available();
        writing = true;
        channel.writeAndFlush(new DefaultHttpContent(buf)).addListener((ChannelFuture f) -> {
            if (arrival != 0 && f.isSuccess()) {
                relay.metrics.forwarded(System.nanoTime() - arrival);
            }
            upload.executor.execute(() -> written(f.isSuccess()));
        });
    }

    private void written(boolean ok) {
        writing = false;
        if (ok) {
            pump();
        } else {
            close();
        }
    }

    /** The end of what may be sent now: what arrived, within the range. */
    private long available() {
        return Math.min(upload.visibleOffset(), end);
    }

    private void ensureStarted() {
        if (!started) {
            started = true;
            if (range != null) {
                channel.write(TusResponses.partial(upload, position, end));
            } else {
                chunked = upload.state != Upload.State.COMPLETE;
                channel.write(TusResponses.download(upload, !chunked));
            }
        }
    }

    private void end() {
        ensureStarted();
        channel.writeAndFlush(TusResponses.downloadEnd(upload, chunked));
        close();
        done.run();
    }

    /** The upload will never complete: the reader must not take a short body for the document. */
    private void abandon() {
        if (!started) {
            channel.writeAndFlush(TusResponses.error(DocumentError.GONE.with("the upload was abandoned")))
                    .addListener(f -> channel.close());
        } else {
            channel.close();
        }
        close();
    }

    /** From any thread: the connection closed. */
    void stop() {
        upload.executor.execute(this::close);
    }

    /** On the document's thread: stops following (the connection closed, or the download ended). */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        upload.followers.remove(this);
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                log.warn("document {}: close failed: {}", upload.id, e.toString());
            }
        }
    }
}
