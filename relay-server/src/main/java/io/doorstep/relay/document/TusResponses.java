package io.doorstep.relay.document;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/** The responses of the document relay, built from the state they report; every one says Tus-Resumable. */
final class TusResponses {
    private TusResponses() {
    }

    static FullHttpResponse options(long maxSize) {
        FullHttpResponse res = empty(HttpResponseStatus.NO_CONTENT);
        res.headers().set(TusHeaders.TUS_VERSION, TusHeaders.VERSION)
                .set(TusHeaders.TUS_EXTENSION, TusHeaders.EXTENSIONS)
                .set(TusHeaders.TUS_MAX_SIZE, maxSize)
                .set(TusHeaders.TUS_CHECKSUM_ALGORITHM, Checksum.ALGORITHM);
        return res;
    }

    /** 201 with the new document's location; {@code offset} is set when the request carried a body. */
    static FullHttpResponse created(Upload u, Long offset, Instant expires) {
        FullHttpResponse res = empty(HttpResponseStatus.CREATED);
        res.headers().set(HttpHeaderNames.LOCATION, TusHeaders.FILES_PATH + "/" + u.id);
        if (offset != null) {
            res.headers().set(TusHeaders.UPLOAD_OFFSET, offset);
        }
        return state(res, u, expires);
    }

    static FullHttpResponse head(Upload u, Instant expires) {
        FullHttpResponse res = empty(HttpResponseStatus.OK);
        res.headers().set(TusHeaders.UPLOAD_OFFSET, u.offset).set(TusHeaders.UPLOAD_LENGTH, u.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (!u.metadata.raw().isEmpty()) {
            res.headers().set(TusHeaders.UPLOAD_METADATA, u.metadata.raw());
        }
        return state(res, u, expires);
    }

    static FullHttpResponse patched(Upload u, long offset, Instant expires) {
        FullHttpResponse res = empty(HttpResponseStatus.NO_CONTENT);
        res.headers().set(TusHeaders.UPLOAD_OFFSET, offset);
        return state(res, u, expires);
    }

    static FullHttpResponse noContent() {
        return empty(HttpResponseStatus.NO_CONTENT);
    }

    /** The head of a download: with a length when the document is complete, chunked while it uploads. */
    static HttpResponse download(Upload u, boolean complete) {
        HttpResponse res = downloadHead(u, HttpResponseStatus.OK);
        if (complete) {
            res.headers().set(HttpHeaderNames.CONTENT_LENGTH, u.length).set(TusHeaders.DOCUMENT_SHA256, u.sha256);
        } else {
            res.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                    .set(HttpHeaderNames.TRAILER, TusHeaders.DOCUMENT_SHA256);
        }
        return res;
    }

    /**
     * The head of a range's download (206): its length is known from the upload's, so it is never chunked, even while
     * the bytes are still arriving; the hash comes with it only if the document was complete when it started.
     */
    static HttpResponse partial(Upload u, long first, long end) {
        HttpResponse res = downloadHead(u, HttpResponseStatus.PARTIAL_CONTENT);
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, end - first)
                .set(HttpHeaderNames.CONTENT_RANGE, "bytes " + first + "-" + (end - 1) + "/" + u.length);
        if (u.state == Upload.State.COMPLETE) {
            res.headers().set(TusHeaders.DOCUMENT_SHA256, u.sha256);
        }
        return res;
    }

    /** 416: the range starts at or past the document's end. */
    static FullHttpResponse rangeNotSatisfiable(Upload u) {
        FullHttpResponse res = empty(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
        res.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + u.length);
        return res;
    }

    private static HttpResponse downloadHead(Upload u, HttpResponseStatus status) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, u.type.mediaType())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES)
                .set(TusHeaders.UPLOAD_LENGTH, u.length)
                .set(TusHeaders.DOCUMENT_TYPE, u.type.mediaType());
        return res;
    }

    /** The end of a download; a chunked one carries the document's SHA-256 as a trailer. */
    static LastHttpContent downloadEnd(Upload u, boolean chunked) {
        if (!chunked) {
            return LastHttpContent.EMPTY_LAST_CONTENT;
        }
        LastHttpContent end = new DefaultLastHttpContent();
        end.trailingHeaders().set(TusHeaders.DOCUMENT_SHA256, u.sha256);
        return end;
    }

    static FullHttpResponse error(DocumentException e) {
        DocumentError err = e.error();
        String json = "{\"error\":\"" + err.code() + "\",\"message\":\"" + escape(e.getMessage()) + "\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(err.status(), err == DocumentError.CHECKSUM_MISMATCH
                        ? "Checksum Mismatch" : HttpResponseStatus.valueOf(err.status()).reasonPhrase()),
                Unpooled.wrappedBuffer(body));
        res.headers().set(TusHeaders.TUS_RESUMABLE, TusHeaders.VERSION)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (err == DocumentError.TOKEN_REQUIRED) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        if (err == DocumentError.UNSUPPORTED_VERSION) {
            res.headers().set(TusHeaders.TUS_VERSION, TusHeaders.VERSION);
        }
        return res;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        res.headers().set(TusHeaders.TUS_RESUMABLE, TusHeaders.VERSION);
        if (status.code() != HttpResponseStatus.NO_CONTENT.code()) {
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        return res;
    }

    private static FullHttpResponse state(FullHttpResponse res, Upload u, Instant expires) {
        HttpHeaders h = res.headers();
        if (expires != null) {
            h.set(TusHeaders.UPLOAD_EXPIRES, DateFormatter.format(Date.from(expires)));
        }
        if (u.sha256 != null) {
            h.set(TusHeaders.DOCUMENT_SHA256, u.sha256);
        }
        if (u.type != null) {
            h.set(TusHeaders.DOCUMENT_TYPE, u.type.mediaType());
        }
        return res;
    }
}
