package io.doorstep.relay.document;

import io.doorstep.relay.document.TusRequest.Operation;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;

/**
 * Turns each {@link HttpRequest} into a {@link TusRequest} (route, token, tus headers, all validated) and passes
 * body content through. A request that cannot be served becomes a TusRequest with its problem, so the handler
 * answers it like any other.
 */
final class TusRequestDecoder extends MessageToMessageDecoder<HttpObject> {
    private static final String BEARER = "Bearer ";

    TusRequestDecoder() {
        super(HttpObject.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, HttpObject msg, List<Object> out) {
        if (msg instanceof HttpRequest req) {
            out.add(decode(req));
        }
        if (msg instanceof HttpContent content) { // also the body of a FullHttpRequest
            out.add(content.retain());
        }
    }

    static TusRequest decode(HttpRequest req) {
        HttpHeaders h = req.headers();
        boolean hasBody = HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        try {
            if (req.decoderResult().isFailure()) {
                throw DocumentError.BAD_REQUEST.with("malformed HTTP request");
            }
            Operation op = operation(req);
            DocumentId id = op == Operation.CREATE || op == Operation.OPTIONS ? null : documentId(req.uri());
            boolean tus = op != Operation.OPTIONS && op != Operation.GET; // a download is plain HTTP
            if (tus && !TusHeaders.VERSION.equals(h.get(TusHeaders.TUS_RESUMABLE))) {
                throw DocumentError.UNSUPPORTED_VERSION.with("Tus-Resumable: " + TusHeaders.VERSION + " is required");
            }
            return new TusRequest(op, id, token(h), number(h, TusHeaders.UPLOAD_OFFSET),
                    uploadLength(op, h), UploadMetadata.parse(h.get(TusHeaders.UPLOAD_METADATA)),
                    Checksum.parse(h.get(TusHeaders.UPLOAD_CHECKSUM)),
                    TusHeaders.OFFSET_OCTET_STREAM.equals(h.get(HttpHeaderNames.CONTENT_TYPE)), hasBody, keepAlive,
                    op == Operation.GET ? ByteRange.parse(h.get(HttpHeaderNames.RANGE)) : null, null);
        } catch (DocumentException e) {
            return TusRequest.refused(e, hasBody, keepAlive);
        }
    }

    private static Operation operation(HttpRequest req) {
        HttpMethod method = req.method();
        String override = req.headers().get(TusHeaders.METHOD_OVERRIDE);
        if (override != null && method.equals(HttpMethod.POST)) {
            method = HttpMethod.valueOf(override.trim());
        }
        String path = new QueryStringDecoder(req.uri()).path();
        boolean collection = path.equals(TusHeaders.FILES_PATH) || path.equals(TusHeaders.FILES_PATH + "/");
        if (!collection && !path.startsWith(TusHeaders.FILES_PATH + "/")) {
            throw DocumentError.NOT_FOUND.with("no such endpoint");
        }
        if (method.equals(HttpMethod.OPTIONS)) {
            return Operation.OPTIONS;
        }
        if (collection) {
            return require(method.equals(HttpMethod.POST), Operation.CREATE);
        }
        return switch (method.name()) {
            case "HEAD" -> Operation.HEAD;
            case "PATCH" -> Operation.PATCH;
            case "GET" -> Operation.GET;
            case "DELETE" -> Operation.DELETE;
            default -> require(false, null);
        };
    }

    private static Operation require(boolean allowed, Operation op) {
        if (!allowed) {
            throw DocumentError.METHOD_NOT_ALLOWED.with("method not allowed on this resource");
        }
        return op;
    }

    private static DocumentId documentId(String uri) {
        String path = new QueryStringDecoder(uri).path();
        return DocumentId.parse(path.substring(TusHeaders.FILES_PATH.length() + 1))
                .orElseThrow(() -> DocumentError.NOT_FOUND.with("no such document"));
    }

    private static String token(HttpHeaders h) {
        String auth = h.get(HttpHeaderNames.AUTHORIZATION);
        return auth != null && auth.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? auth.substring(BEARER.length()).trim() : null;
    }

    private static Long uploadLength(Operation op, HttpHeaders h) {
        if (op == Operation.CREATE && h.contains(TusHeaders.UPLOAD_DEFER_LENGTH)) {
            throw DocumentError.BAD_REQUEST.with("Upload-Defer-Length is not supported: send Upload-Length");
        }
        Long length = number(h, TusHeaders.UPLOAD_LENGTH);
        if (op == Operation.CREATE && length == null) {
            throw DocumentError.BAD_REQUEST.with("Upload-Length is required");
        }
        return length;
    }

    private static Long number(HttpHeaders h, CharSequence name) {
        String v = h.get(name);
        if (v == null) {
            return null;
        }
        if (!v.matches("[0-9]{1,15}")) {
            throw DocumentError.BAD_REQUEST.with(name + " must be a non-negative integer");
        }
        return Long.valueOf(v);
    }
}
