package io.doorstep.signalling.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own on a free port, never the shared one on 6379, so that it can be killed and
 * started again. It keeps nothing (no RDB, no AOF): restarted, it is empty, as an unpersisted Redis would be.
 */
final class PrivateRedis implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final int port;
    private Process process;

    private PrivateRedis(int port) {
        this.port = port;
    }

    static PrivateRedis start() throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("this test needs " + BINARY + " (./doorstep test installs Redis)");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        PrivateRedis redis = new PrivateRedis(port);
        redis.restart();
        return redis;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** SIGKILL: the connections drop at once, as when Redis crashes. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts it (again) on the same port and waits until it answers. */
    void restart() throws IOException, InterruptedException {
        process = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", System.getProperty("java.io.tmpdir"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answers()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            Thread.sleep(50);
        }
    }

    private boolean answers() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
