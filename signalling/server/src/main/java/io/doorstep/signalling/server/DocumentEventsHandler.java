package io.doorstep.signalling.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.documents.DocumentEvent;
import io.doorstep.documents.EventSignature;
import io.doorstep.signalling.metrics.SignallingMetrics;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /internal/documents/events}: the document relay's events, each signed with {@link EventSignature}
 * (a key derived from the shared document secret). Anything unsigned, badly signed or stale is 401; a valid event is
 * handed to the switchboard and answered 202 at once, never waiting for it here. Other paths pass on.
 */
final class DocumentEventsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PATH = "/internal/documents/events";
    private static final Logger log = LoggerFactory.getLogger(DocumentEventsHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> EVENTS = Set.of(DocumentEvent.CREATED, DocumentEvent.PROGRESS,
            DocumentEvent.COMPLETED, DocumentEvent.READ, DocumentEvent.ABANDONED, DocumentEvent.DELETED);
    private static final String ID = "[A-Za-z0-9_-]{1,64}";

    private final EventSignature signature;
    private final Switchboard switchboard;
    private final SignallingMetrics metrics;

    DocumentEventsHandler(EventSignature signature, Switchboard switchboard, SignallingMetrics metrics) {
        super(false);
        this.signature = signature;
        this.switchboard = switchboard;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!new QueryStringDecoder(req.uri()).path().equals(PATH)) {
            ctx.fireChannelRead(req);
            return;
        }
        try {
            Answer answer = handle(req);
            HttpApiHandler.respond(ctx, HttpUtil.isKeepAlive(req), answer.status(), "application/json; charset=utf-8",
                    answer.json().getBytes(StandardCharsets.UTF_8));
        } finally {
            req.release();
        }
    }

    private record Answer(HttpResponseStatus status, String json) {
        static Answer error(HttpResponseStatus status, String code) {
            return new Answer(status, "{\"error\":\"" + code + "\"}");
        }
    }

    private Answer handle(FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.POST)) {
            return Answer.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed");
        }
        byte[] body = ByteBufUtil.getBytes(req.content());
        if (!signature.verify(req.headers().get(EventSignature.TIMESTAMP_HEADER),
                req.headers().get(EventSignature.SIGNATURE_HEADER), body)) {
            log.warn("document event refused: not signed with the document secret");
            metrics.documentEventPost(SignallingMetrics.UNAUTHENTICATED);
            return Answer.error(HttpResponseStatus.UNAUTHORIZED, "signature_required");
        }
        DocumentEvent event;
        try {
            event = JSON.readValue(body, DocumentEvent.class);
        } catch (IOException e) {
            event = null;
        }
        if (event == null || !valid(event)) {
            metrics.documentEventPost(SignallingMetrics.INVALID);
            return Answer.error(HttpResponseStatus.BAD_REQUEST, "bad_event");
        }
        metrics.documentEventPost(SignallingMetrics.ACCEPTED);
        switchboard.documentEvent(event);
        return new Answer(HttpResponseStatus.ACCEPTED, "{\"accepted\":true}");
    }

    private static boolean valid(DocumentEvent e) {
        return e.eventId() != null && e.eventId().matches(ID) && EVENTS.contains(e.event())
                && e.documentId() != null && e.documentId().matches(ID)
                && e.callId() != null && e.callId().matches(ID)
                && e.length() >= 0 && e.offset() >= 0 && e.offset() <= e.length();
    }
}
