package io.doorstep.signalling.cluster;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own on a free port, never the shared one on 6379, so that it can be killed and
 * started again. It keeps nothing (no RDB, no AOF): restarted, it is empty, as an unpersisted Redis would be. Or a
 * Redis Cluster of one node that serves every slot, to reach through RedisClusterClient.
 */
final class PrivateRedis implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");

    private final int port;
    private final List<String> options;
    private Process process;

    private PrivateRedis(int port, List<String> options) {
        this.port = port;
        this.options = options;
    }

    static PrivateRedis start() throws IOException, InterruptedException {
        PrivateRedis redis = new PrivateRedis(freePort(), List.of());
        redis.restart();
        return redis;
    }

    /** A Redis Cluster of this one node, all 16384 slots its own; its cluster state lives in a fresh directory. */
    static PrivateRedis startCluster() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("doorstep-redis-cluster");
        PrivateRedis redis = new PrivateRedis(freePort(), List.of("--cluster-enabled", "yes", "--dir",
                dir.toString()));
        redis.restart();
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            admin.sync().clusterAddSlotsRange(Range.create(0, 16_383));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!admin.sync().clusterInfo().contains("cluster_state:ok")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the one-node Redis Cluster did not become ok");
                }
                Thread.sleep(50);
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        return redis;
    }

    private static int freePort() throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("this test needs " + BINARY + " (./doorstep test installs Redis)");
        }
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** SIGKILL: the connections drop at once, as when Redis crashes. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts it (again) on the same port and waits until it answers. */
    void restart() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no"));
        command.addAll(options);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
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
