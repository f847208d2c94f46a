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

/**
 * A TCP forwarder on loopback standing for a village network: everything passes through until {@link #cut()} drops
 * every connection at once (as a failing uplink does); new connections are let through again afterwards.
 */
final class CuttableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    CuttableProxy(int targetPort) throws IOException {
        this(0, targetPort);
    }

    /** Listening on {@code listenPort} (0: any free port). */
    CuttableProxy(int listenPort, int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(listenPort, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The WebSocket URI through the proxy. */
    URI wsUri() {
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
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection fail
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
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
    void cut() {
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
