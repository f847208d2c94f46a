package io.doorstep.relay.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The relay's HTTP endpoints: {@code /health} and {@code /metrics} (bearer token when one is configured). */
final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusMeterRegistry registry;
    private final byte[] expectedAuthorization;

    MetricsHttpHandler(PrometheusMeterRegistry registry, String token) {
        this.registry = registry;
        this.expectedAuthorization = token.isEmpty() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        switch (path) {
            case "/health" -> respond(ctx, HttpResponseStatus.OK, "application/json", "{\"status\":\"up\"}");
            case "/metrics" -> {
                String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
                if (expectedAuthorization != null
                        && !MessageDigest.isEqual(expectedAuthorization, auth.getBytes(StandardCharsets.UTF_8))) {
                    respond(ctx, HttpResponseStatus.UNAUTHORIZED, "application/json", "{\"error\":\"bearer token required\"}");
                } else {
                    respond(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
                }
            }
            default -> respond(ctx, HttpResponseStatus.NOT_FOUND, "application/json", "{\"error\":\"no such endpoint\"}");
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
