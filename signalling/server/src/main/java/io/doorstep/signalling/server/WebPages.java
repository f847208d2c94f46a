package io.doorstep.signalling.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web pages the server ships (class path {@code web/}), read once at start into memory: a fixed list of files,
 * so no request path ever reaches the class loader. The pages hold no data and need no token to load; they sign in
 * over the WebSocket like any client, and the server decides there what each role may see.
 */
final class WebPages {
    /** Each page's files, as served under {@code /<path>}. */
    private static final List<String> FILES = List.of(
            "dashboard/index.html", "dashboard/dashboard.css", "dashboard/dashboard.js", "dashboard/i18n.js",
            "dashboard/charts.js",
            "station/index.html", "station/station.css", "station/station.js", "station/i18n.js",
            "station/catalogue.js", "station/kit.js", "station/prints.js", "station/dom.js");
    /** Scripts and styles only from this server, the WebSocket back to it, no framing by other sites. */
    private static final String POLICY = "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private record Page(String type, byte[] body) {
    }

    private final Map<String, Page> pages = new HashMap<>();

    WebPages() {
        for (String file : FILES) {
            pages.put("/" + file, new Page(type(file), read("/web/" + file)));
            if (file.endsWith("/index.html")) { // each page's folder answers with its index
                pages.put("/" + file.substring(0, file.length() - "index.html".length()), pages.get("/" + file));
            }
        }
    }

    /** Answers {@code path} if it is one of the pages (or its folder without the slash); false if it is not. */
    boolean serve(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        if (pages.containsKey(path + "/")) {
            redirect(ctx, req, path + "/");
            return true;
        }
        Optional<Page> page = Optional.ofNullable(pages.get(path));
        page.ifPresent(p -> respond(ctx, req, p));
        return page.isPresent();
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, Page page) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(page.body()));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, page.type())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, page.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, POLICY)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer");
        write(ctx, req, res);
    }

    private static void redirect(ChannelHandlerContext ctx, FullHttpRequest req, String location) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND);
        res.headers().set(HttpHeaderNames.LOCATION, location).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        write(ctx, req, res);
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
        if (HttpUtil.isKeepAlive(req)) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String type(String file) {
        if (file.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (file.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "text/javascript; charset=utf-8";
    }

    private static byte[] read(String resource) {
        try (InputStream in = WebPages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing from the build: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
