package io.doorstep.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on loopback standing for a village network: everything passes through until {@link #cut()} drops
 * every connection at once (as a failing uplink does); new connections are let through again afterwards.
 */
public final class CuttableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private volatile long cutAfter = -1;

    public CuttableProxy(int targetPort) throws IOException {
        this(0, targetPort);
    }

    /** Listening on {@code listenPort} (0: any free port). */
    public CuttableProxy(int listenPort, int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(listenPort, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The WebSocket URI through the proxy. */
    public URI wsUri() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/ws");
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection fail
            }
        }
    }

    /** Cuts every connection once {@code bytes} more have gone towards the target (once). */
    public void cutAfterUpstreamBytes(long bytes) {
        upstreamBytes.set(0);
        cutAfter = bytes;
    }

    private void counted(int n) {
        long limit = cutAfter;
        if (limit >= 0 && upstreamBytes.addAndGet(n) > limit) {
            cutAfter = -1;
            cut();
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                    if (upstream) {
                        counted(n);
                    }
                }
            } catch (IOException e) {
                // cut
            } finally {
                close(from);
                close(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Drops every connection now, without a WebSocket close handshake. */
    public void cut() {
        open.forEach(CuttableProxy::close);
        open.clear();
    }

    private static void close(Socket s) {
        try {
            s.setSoLinger(true, 0); // a reset, as when a router loses the line
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
