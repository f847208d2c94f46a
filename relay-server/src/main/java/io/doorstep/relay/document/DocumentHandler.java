package io.doorstep.relay.document;

import io.doorstep.documents.DocumentPermission;
import io.doorstep.documents.DocumentToken;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the document relay: serves each {@link TusRequest} (one at a time; the connection does not read
 * the next request before the answer to this one is out, and a client that pipelines is disconnected) and hands PATCH bodies to a {@link PatchSession} and
 * downloads to a {@link Follower}. Runs on the event loop; every disk access happens in those two, on the document's
 * thread.
 */
final class DocumentHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(DocumentHandler.class);

    private final DocumentRelay relay;
    private ChannelHandlerContext ctx;
    private TusRequest request;
    private PatchSession session;
    private Follower follower;
    private boolean busy;
    private boolean backlog;

    DocumentHandler(DocumentRelay relay) {
        this.relay = relay;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof TusRequest r) {
            onRequest(r);
        } else if (msg instanceof HttpContent c) {
            onContent(c);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(TusRequest r) {
        if (busy) { // a pipelined request: tus clients wait for each answer, so this one is not served
            log.debug("pipelined request on a busy document connection: closing it");
            ctx.close();
            return;
        }
        request = r;
        busy = true;
        try {
            serve(r);
            updateAutoRead(); // stop reading until the answer is out, unless a body is to be read
        } catch (DocumentException e) {
            fail(e, r.hasBody());
        }
    }

    private void serve(TusRequest r) {
        if (r.problem() != null) {
            throw r.problem();
        }
        switch (r.operation()) {
            case OPTIONS -> respond(TusResponses.options(relay.maxDocumentBytes()));
            case CREATE -> create(r);
            case HEAD -> head(r);
            case PATCH -> patch(r);
            case GET -> get(r);
            case DELETE -> delete(r);
        }
    }

    private void create(TusRequest r) {
        DocumentToken token = relay.authenticate(r.token());
        if (r.hasBody()) {
            requireOctetStream(r);
        }
        DocumentRelay.Creation c = relay.create(token, r.uploadLength(), r.metadata());
        Upload u = c.upload();
        if (r.hasBody()) {
            session = relay.patch(u, 0, r.checksum(), ctx.channel(), this::backlog);
            reply(session.result(), offset -> TusResponses.created(u, offset, relay.expiresAt(u)));
        } else {
            reply(c.persisted(), v -> TusResponses.created(u, null, relay.expiresAt(u)));
        }
    }

    private void head(TusRequest r) {
        DocumentToken token = relay.authenticate(r.token());
        Upload u = relay.find(r.id());
        relay.authorizeAny(token, u.callId);
        respond(TusResponses.head(u, relay.expiresAt(u)));
    }

    private void patch(TusRequest r) {
        DocumentToken token = relay.authenticate(r.token());
        Upload u = relay.find(r.id());
        relay.authorize(token, u.callId, DocumentPermission.UPLOAD);
        requireOctetStream(r);
        if (r.uploadOffset() == null) {
            throw DocumentError.BAD_REQUEST.with("Upload-Offset is required");
        }
        session = relay.patch(u, r.uploadOffset(), r.checksum(), ctx.channel(), this::backlog);
        reply(session.result(), offset -> TusResponses.patched(u, offset, relay.expiresAt(u)));
    }

    private void get(TusRequest r) {
        DocumentToken token = relay.authenticate(r.token());
        Upload u = relay.find(r.id());
        relay.authorize(token, u.callId, DocumentPermission.READ);
        if (r.range() != null && !r.range().satisfiable(u.length)) {
            respond(TusResponses.rangeNotSatisfiable(u));
            return;
        }
        relay.metrics.request(r.operation().name(), r.range() == null ? 200 : 206);
        follower = relay.follow(u, token, ctx.channel(), r.range(), () -> ctx.executor().execute(this::downloaded));
    }

    private void delete(TusRequest r) {
        DocumentToken token = relay.authenticate(r.token());
        Upload u = relay.find(r.id());
        relay.authorize(token, u.callId, DocumentPermission.UPLOAD);
        reply(relay.terminate(u), v -> TusResponses.noContent());
    }

    private static void requireOctetStream(TusRequest r) {
        if (!r.octetStream()) {
            throw DocumentError.UNSUPPORTED_TYPE.with("Content-Type must be " + TusHeaders.OFFSET_OCTET_STREAM);
        }
    }

    private void onContent(HttpContent c) {
        if (session == null) {
            c.release();
            return;
        }
        session.offer(c, System.nanoTime());
        if (c instanceof LastHttpContent) {
            session.end();
            session = null;
        }
    }

    private void backlog(boolean over) {
        backlog = over;
        updateAutoRead();
    }

    private void updateAutoRead() {
        // Between requests, and while a body comes in, read, unless the disk is behind.
        ctx.channel().config().setAutoRead((!busy || session != null) && !backlog);
    }

    /** Answers when {@code f} completes: {@code ok} on success, the error (and closing) on failure. */
    private <T> void reply(CompletableFuture<T> f, Function<T, FullHttpResponse> ok) {
        f.whenComplete((v, e) -> ctx.executor().execute(() -> {
            if (e == null) {
                respond(ok.apply(v));
            } else {
                fail(unwrap(e), true);
            }
        }));
    }

    private static DocumentException unwrap(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof DocumentException d) {
            return d;
        }
        log.error("document request failed", t);
        return DocumentError.INTERNAL.with("internal error");
    }

    private void respond(FullHttpResponse res) {
        relay.metrics.request(operationName(), res.status().code());
        boolean close = !request.keepAlive();
        if (close) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(res);
        busy = false;
        updateAutoRead();
    }

    /** Answers with the error; closes the connection when a body may still be on its way. */
    private void fail(DocumentException e, boolean close) {
        if (!close) {
            respond(TusResponses.error(e));
            return;
        }
        relay.metrics.request(operationName(), e.error().status());
        FullHttpResponse res = TusResponses.error(e);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    private String operationName() {
        return request.operation() == null ? "invalid" : request.operation().name();
    }

    private void downloaded() {
        follower = null;
        if (!request.keepAlive()) {
            ctx.close();
            return;
        }
        busy = false;
        updateAutoRead();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && follower == null) {
            ctx.close(); // a stalled upload or an idle connection; a reader waiting for an upload stays
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            session.abort();
            session = null;
        }
        if (follower != null) {
            follower.stop();
            follower = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("document connection failed: {}", cause.toString());
        ctx.close();
    }
}
