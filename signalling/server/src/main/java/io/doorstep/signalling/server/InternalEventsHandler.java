package io.doorstep.signalling.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.documents.DocumentEvent;
import io.doorstep.documents.EventSignature;
import io.doorstep.relays.RelayLoad;
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
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's posts to this server, each signed with {@link EventSignature} (a key derived from the shared document
 * secret): {@code POST /internal/documents/events} (document events) and {@code POST /internal/relays/load} (load
 * reports). Anything unsigned, badly signed or stale is 401, anything malformed 400; a valid post is handed to the
 * switchboard and answered 202 at once, never waiting for it here. Other paths pass on.
 */
final class InternalEventsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String DOCUMENT_EVENTS = "/internal/documents/events";
    private static final Logger log = LoggerFactory.getLogger(InternalEventsHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> EVENTS = Set.of(DocumentEvent.CREATED, DocumentEvent.PROGRESS,
            DocumentEvent.COMPLETED, DocumentEvent.READ, DocumentEvent.ABANDONED, DocumentEvent.DELETED);
    private static final String ID = "[A-Za-z0-9_-]{1,64}";

    /** One endpoint: what its body is, when it is valid, where it goes and how its outcomes are counted. */
    private record Endpoint<T>(String name, Class<T> type, Predicate<T> valid, Consumer<T> sink,
                               Consumer<String> outcomes) {
        boolean take(byte[] body) {
            T value;
            try {
                value = JSON.readValue(body, type);
            } catch (IOException e) {
                value = null;
            }
            if (value == null || !valid.test(value)) {
                return false;
            }
            sink.accept(value);
            return true;
        }
    }

    private final EventSignature signature;
    private final Map<String, Endpoint<?>> endpoints;

    InternalEventsHandler(EventSignature signature, Switchboard switchboard, SignallingMetrics metrics) {
        super(false);
        this.signature = signature;
        this.endpoints = Map.of(
                DOCUMENT_EVENTS, new Endpoint<>("document event", DocumentEvent.class,
                        InternalEventsHandler::valid, switchboard::documentEvent, metrics::documentEventPost),
                RelayLoad.PATH, new Endpoint<>("relay load report", RelayLoad.class, RelayLoad::valid,
                        switchboard::relayLoad, metrics::relayLoadReport));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        Endpoint<?> endpoint = endpoints.get(new QueryStringDecoder(req.uri()).path());
        if (endpoint == null) {
            ctx.fireChannelRead(req);
            return;
        }
        try {
            Answer answer = handle(endpoint, req);
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

    private Answer handle(Endpoint<?> endpoint, FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.POST)) {
            return Answer.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed");
        }
        byte[] body = ByteBufUtil.getBytes(req.content());
        if (!signature.verify(req.headers().get(EventSignature.TIMESTAMP_HEADER),
                req.headers().get(EventSignature.SIGNATURE_HEADER), body)) {
            log.warn("{} refused: not signed with the document secret", endpoint.name());
            endpoint.outcomes().accept(SignallingMetrics.UNAUTHENTICATED);
            return Answer.error(HttpResponseStatus.UNAUTHORIZED, "signature_required");
        }
        if (!endpoint.take(body)) {
            endpoint.outcomes().accept(SignallingMetrics.INVALID);
            return Answer.error(HttpResponseStatus.BAD_REQUEST, "bad_event");
        }
        endpoint.outcomes().accept(SignallingMetrics.ACCEPTED);
        return new Answer(HttpResponseStatus.ACCEPTED, "{\"accepted\":true}");
    }

    private static boolean valid(DocumentEvent e) {
        return e.eventId() != null && e.eventId().matches(ID) && EVENTS.contains(e.event())
                && e.documentId() != null && e.documentId().matches(ID)
                && e.callId() != null && e.callId().matches(ID)
                && e.length() >= 0 && e.offset() >= 0 && e.offset() <= e.length();
    }
}
