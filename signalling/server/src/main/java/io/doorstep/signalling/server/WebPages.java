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
import java.net.URI;
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
            "common/doorstep-client.js", "common/media.js", "common/documents.js", "common/i18n.js",
            "common/house.css", "common/ticker.js", "common/ticker-worker.js",
            "agent/index.html", "agent/agent.css", "agent/agent.js", "agent/words.js",
            "station/index.html", "station/station.css", "station/station.js", "station/i18n.js",
            "station/catalogue.js", "station/kit.js", "station/prints.js", "station/dom.js");
    /** The pages, each served at {@code /<folder>/} ({@code /<folder>} redirects there). */
    private static final List<String> FOLDERS = List.of("dashboard", "agent", "station");

    private record Page(String type, byte[] body) {
    }

    private final Map<String, Page> pages = new HashMap<>();
    private final String policy;

    /**
     * @param documentsUrl the document relay as browsers reach it ({@code documents.url}): the call pages upload
     *                     and read documents there, so the policy lets them connect to its origin as well
     */
    WebPages(URI documentsUrl) {
        for (String file : FILES) {
            pages.put("/" + file, new Page(type(file), read("/web/" + file)));
        }
        FOLDERS.forEach(folder -> pages.put("/" + folder + "/", pages.get("/" + folder + "/index.html")));
        // Scripts and styles only from this server; connections back to it and to the document relay; documents
        // read from the relay shown as blob: images and PDFs; no framing by other sites.
        String relay = documentsUrl.getScheme() + "://" + documentsUrl.getRawAuthority();
        policy = "default-src 'self'; connect-src 'self' " + relay + "; img-src 'self' data: blob:; "
                + "media-src 'self' blob:; frame-src blob:; object-src blob:; frame-ancestors 'none'; "
                + "base-uri 'none'; form-action 'none'";
    }

    /** Answers {@code path} if it is one of the pages (or its folder without the slash); false if it is not. */
    boolean serve(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        if (FOLDERS.contains(path.substring(1))) {
            redirect(ctx, req, path + "/");
            return true;
        }
        Optional<Page> page = Optional.ofNullable(pages.get(path));
        page.ifPresent(p -> respond(ctx, req, p));
        return page.isPresent();
    }

    private void respond(ChannelHandlerContext ctx, FullHttpRequest req, Page page) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(page.body()));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, page.type())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, page.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, policy)
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
