package io.doorstep.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * Serves the test class path's resources under one folder (e.g. {@code /webrtc/}) over plain HTTP on 127.0.0.1, a
 * secure context for the browser (so getUserMedia works), on a port the OS picks.
 */
public final class TestPages implements AutoCloseable {
    private final HttpServer server;
    private final String root;

    private TestPages(HttpServer server, String root) {
        this.server = server;
        this.root = root;
    }

    /** Serves the resources under {@code root}, a class path folder such as {@code /webrtc/}. */
    public static TestPages serve(String root) {
        if (!root.startsWith("/") || !root.endsWith("/")) {
            throw new IllegalArgumentException("root must start and end with '/': " + root);
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.createContext(root, TestPages::handle);
            server.start();
            return new TestPages(server, root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The address of {@code name}, a file under the root folder. */
    public URI page(String name) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + root + name);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            InputStream in = path.contains("..") ? null : TestPages.class.getResourceAsStream(path);
            if (in == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body;
            try (in) {
                body = in.readAllBytes();
            }
            exchange.getResponseHeaders().set("Content-Type", path.endsWith(".html") ? "text/html; charset=utf-8"
                    : path.endsWith(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
