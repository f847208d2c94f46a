package io.doorstep.signalling.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.auth.AuthException;
import io.doorstep.signalling.auth.Principal;
import io.doorstep.signalling.auth.TokenService;
import io.doorstep.signalling.directory.ServiceCatalogue;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP side of the signalling port: health, readiness, metrics and the operator API. The WebSocket upgrade on
 * the protocol path passes through after its Origin is checked. Everything but health and readiness needs a
 * bearer token; the operator API and metrics need an operator's.
 */
final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String websocketPath;
    private final Set<String> allowedOrigins;
    private final TokenService tokens;
    private final Switchboard switchboard;
    private final PrometheusMeterRegistry prometheus;
    private final ServiceCatalogue catalogue;
    private final boolean metricsRequireAuth;
    private final ObjectMapper json;
    private final WebPages pages;

    HttpApiHandler(String websocketPath, List<String> allowedOrigins, TokenService tokens, Switchboard switchboard,
                   PrometheusMeterRegistry prometheus, ServiceCatalogue catalogue, boolean metricsRequireAuth,
                   ObjectMapper json, WebPages pages) {
        super(false);
        this.websocketPath = websocketPath;
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.tokens = tokens;
        this.switchboard = switchboard;
        this.prometheus = prometheus;
        this.catalogue = catalogue;
        this.metricsRequireAuth = metricsRequireAuth;
        this.json = json;
        this.pages = pages;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        if (path.equals(websocketPath)) {
            upgrade(ctx, req);
            return;
        }
        try {
            if (!req.method().equals(HttpMethod.GET)) {
                respondJson(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, Map.of("error", "only GET is supported"));
                return;
            }
            switch (path) {
                case "/health" -> health(ctx, req);
                case "/ready" -> ready(ctx, req);
                case "/metrics" -> metrics(ctx, req);
                case "/api/snapshot" -> snapshot(ctx, req);
                case "/api/catalogue" -> catalogue(ctx, req);
                default -> pageOrNotFound(ctx, req, path);
            }
        } finally {
            req.release();
        }
    }

    private void pageOrNotFound(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        if (!pages.serve(ctx, req, path)) {
            respondJson(ctx, req, HttpResponseStatus.NOT_FOUND, Map.of("error", "no such endpoint"));
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && !originAllowed(origin, req.headers().get(HttpHeaderNames.HOST))) {
            respondJson(ctx, req, HttpResponseStatus.FORBIDDEN, Map.of("error", "origin not allowed"));
            req.release();
            return;
        }
        ctx.fireChannelRead(req);
    }

    /** Browsers must come from a configured origin, or from this server itself when none is configured. */
    boolean originAllowed(String origin, String host) {
        if (!allowedOrigins.isEmpty()) {
            return allowedOrigins.contains(origin);
        }
        try {
            String authority = URI.create(origin).getAuthority();
            return authority != null && host != null
                    && authority.toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Up while the process serves; down once the cluster took this node for dead, so that it is restarted. */
    private void health(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean down = switchboard.stoodDown();
        respondJson(ctx, req, down ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                Map.of("status", down ? "taken-for-dead" : "up"));
    }

    private void ready(ChannelHandlerContext ctx, FullHttpRequest req) {
        String reason = switchboard.draining() ? "draining"
                : switchboard.stateAvailable() ? null : "cluster state unavailable";
        respondJson(ctx, req, reason != null ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK,
                reason != null ? Map.of("ready", false, "reason", reason) : Map.of("ready", true));
    }

    private void metrics(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (metricsRequireAuth && authorize(ctx, req, Role.OPERATOR) == null) {
            return;
        }
        respond(ctx, req, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                prometheus.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private void snapshot(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (authorize(ctx, req, Role.OPERATOR) == null) {
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        switchboard.snapshot(state -> respondJson(ctx, keepAlive, HttpResponseStatus.OK, state));
    }

    private void catalogue(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (authorize(ctx, req, null) == null) {
            return;
        }
        respondJson(ctx, req, HttpResponseStatus.OK, Map.of("skillGroups", catalogue.skillGroups(),
                "items", catalogue.items()));
    }

    /** The bearer's principal if it holds {@code role} (any role when null); otherwise answers 401/403. */
    private Principal authorize(ChannelHandlerContext ctx, FullHttpRequest req, Role role) {
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            respondJson(ctx, req, HttpResponseStatus.UNAUTHORIZED, Map.of("error", "bearer token required"));
            return null;
        }
        try {
            Principal p = tokens.verify(header.substring(7).trim());
            if (role != null && p.role() != role) {
                respondJson(ctx, req, HttpResponseStatus.FORBIDDEN,
                        Map.of("error", "needs the " + role.wireName() + " role"));
                return null;
            }
            return p;
        } catch (AuthException e) {
            respondJson(ctx, req, HttpResponseStatus.UNAUTHORIZED, Map.of("error", e.code().name(),
                    "message", e.getMessage()));
            return null;
        }
    }

    private void respondJson(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, Object body) {
        respondJson(ctx, HttpUtil.isKeepAlive(req), status, body);
    }

    private void respondJson(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body) {
        try {
            respond(ctx, keepAlive, status, "application/json; charset=utf-8", json.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String type,
                         byte[] body) {
        respond(ctx, HttpUtil.isKeepAlive(req), status, type, body);
    }

    static void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String type,
                                byte[] body) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff");
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
