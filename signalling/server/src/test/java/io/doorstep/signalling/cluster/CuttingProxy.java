package io.doorstep.signalling.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a Redis that, once armed, cuts the connection whose next command contains a marker (say a
 * script's digest) before forwarding it, and refuses new connections for a while: Redis goes away in the middle of a
 * sequence of commands, at a chosen step, every time.
 */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile byte[] marker;
    private volatile long refuseUntil;
    private volatile Duration refuseFor = Duration.ZERO;

    private CuttingProxy(int target) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        daemon(this::accept);
    }

    static CuttingProxy to(int redisPort) throws IOException {
        return new CuttingProxy(redisPort);
    }

    String uri() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    /** Redis goes away: every connection is cut, and new ones refused for {@code refuse}; its data stays. */
    void cutAll(Duration refuse) {
        refuseUntil = System.currentTimeMillis() + refuse.toMillis();
        sockets.forEach(CuttingProxy::closeQuietly);
        sockets.clear();
    }

    /** The next command holding {@code text} is not forwarded: its connection is cut, new ones refused for a while. */
    void cutAt(String text, Duration refuse) {
        refuseFor = refuse;
        marker = text.getBytes(StandardCharsets.US_ASCII);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (System.currentTimeMillis() < refuseUntil) {
                    client.close();
                    continue;
                }
                Socket redis = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(redis);
                daemon(() -> pump(client, redis, true));
                daemon(() -> pump(redis, client, false));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean commands) {
        byte[] buffer = new byte[16_384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                byte[] cutAt = marker;
                if (commands && cutAt != null && contains(buffer, n, cutAt)) {
                    marker = null;
                    refuseUntil = System.currentTimeMillis() + refuseFor.toMillis();
                    from.close();
                    to.close();
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side closed: so does the other
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void daemon(Runnable task) {
        Thread thread = new Thread(task, "cutting-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    private static boolean contains(byte[] buffer, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buffer[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(CuttingProxy::closeQuietly);
    }
}
