package io.doorstep.relay.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.documents.EventSignature;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.time.Instant;

/**
 * {@code POST /internal/calls/ended} from the signalling server: {@code {"callId": ..., "endedAt": <Unix ms>}}, signed
 * like the relay's own document events but with the call-end key ({@link EventSignature#forCallEnds}). The retention
 * of the call's documents counts from that end. Other requests pass on to the tus decoder untouched.
 */
final class CallEndHandler extends ChannelInboundHandlerAdapter {
    static final String PATH = "/internal/calls/ended";
    private static final int MAX_BODY = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DocumentRelay relay;
    private final EventSignature signature;
    /** The call-end request whose body is arriving, or null. */
    private HttpRequest request;
    private CompositeByteBuf body;

    CallEndHandler(DocumentRelay relay, EventSignature signature) {
        this.relay = relay;
        this.signature = signature;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest r && new QueryStringDecoder(r.uri()).path().equals(PATH)) {
            request = r;
            body = ctx.alloc().compositeBuffer();
        } else if (request == null) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (msg instanceof HttpContent c && body.readableBytes() <= MAX_BODY) {
                body.addComponent(true, c.content().retain());
            }
            if (msg instanceof LastHttpContent) {
                answer(ctx);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void answer(ChannelHandlerContext ctx) {
        HttpRequest r = request;
        byte[] bytes = ByteBufUtil.getBytes(body);
        request = null;
        body.release();
        body = null;
        FullHttpResponse res;
        try {
            res = handle(r, bytes);
        } catch (DocumentException e) {
            res = TusResponses.error(e);
        }
        if (HttpUtil.isKeepAlive(r)) {
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse handle(HttpRequest r, byte[] bytes) {
        if (!r.method().equals(HttpMethod.POST)) {
            throw DocumentError.METHOD_NOT_ALLOWED.with("POST only");
        }
        if (bytes.length > MAX_BODY) {
            throw DocumentError.TOO_LARGE.with("a call end has at most " + MAX_BODY + " bytes");
        }
        if (!signature.verify(r.headers().get(EventSignature.TIMESTAMP_HEADER),
                r.headers().get(EventSignature.SIGNATURE_HEADER), bytes)) {
            throw DocumentError.SIGNATURE_REQUIRED.with("a call end must be signed by the signalling server");
        }
        JsonNode end = parse(bytes);
        String callId = end.path("callId").asText("");
        long endedAt = end.path("endedAt").asLong(-1);
        if (callId.isBlank() || callId.length() > 128 || endedAt <= 0) {
            throw DocumentError.BAD_REQUEST.with("a call end needs callId and endedAt (Unix milliseconds)");
        }
        relay.callEnded(callId, Instant.ofEpochMilli(endedAt));
        return TusResponses.empty(HttpResponseStatus.ACCEPTED);
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw DocumentError.BAD_REQUEST.with("a call end is a JSON object");
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
