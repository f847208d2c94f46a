package io.doorstep.loadtest.probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the round trips the nodes make to Redis, by command, with Redis's {@code MONITOR}: every command a client
 * sends is one line, and the commands a Lua script runs are lines of their own marked {@code [db lua]}. (INFO
 * commandstats cannot tell the two apart: it counts a script's commands as well as the EVALSHA that ran them.) Only
 * lines naming the cluster's key prefix are counted, so other users of the same Redis are left out. A script run by
 * its digest is counted under its name ({@code EVALSHA claim}), which says which store operations the round trips
 * are. MONITOR makes Redis slower, so it runs in a phase of its own, never during a latency measurement.
 */
public final class RedisMonitor implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int TAIL_MS = 250;
    /** {@code +<time> [<db> <client address or "lua">] "<command>" ...}, and a script's digest after EVALSHA. */
    private static final Pattern LINE = Pattern.compile(
            "^\\+\\d+\\.\\d+ \\[\\d+ (\\S+)] \"([^\"]+)\"(?: \"([0-9a-f]{40})\")?");

    /** What the clients sent (each a round trip) and what scripts ran inside Redis, by command (upper case). */
    public record Counts(Map<String, Long> roundTrips, Map<String, Long> inScripts) {
        public long total() {
            return sum(roundTrips);
        }

        public long totalInScripts() {
            return sum(inScripts);
        }

        private static long sum(Map<String, Long> counts) {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Socket socket;
    private final String needle;
    private final Map<String, String> scripts = ScriptNames.bySha();
    private final Map<String, Long> roundTrips = new TreeMap<>();
    private final Map<String, Long> inScripts = new TreeMap<>();
    private final Thread reader;

    /** Starts monitoring {@code redis} (redis://host:port; no password) for lines naming {@code {keyPrefix}:}. */
    public RedisMonitor(URI redis, String keyPrefix) {
        this.needle = "{" + keyPrefix + "}:";
        this.socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort()),
                    CONNECT_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String ok = in.readLine();
            if (!"+OK".equals(ok)) {
                socket.close();
                throw new IOException("MONITOR refused: " + ok);
            }
            this.reader = new Thread(() -> read(in), "redis-monitor");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot monitor " + redis, e);
        }
        reader.setDaemon(true);
        reader.start();
    }

    private void read(BufferedReader in) {
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                count(line);
            }
        } catch (IOException e) {
            // closed by stop()
        }
    }

    private synchronized void count(String line) {
        Matcher m = LINE.matcher(line);
        if (m.find() && line.contains(needle)) {
            Map<String, Long> counts = m.group(1).equals("lua") ? inScripts : roundTrips;
            String command = m.group(2).toUpperCase(Locale.ROOT);
            String script = m.group(3) == null ? null : scripts.get(m.group(3));
            counts.merge(script == null ? command : command + " " + script, 1L, Long::sum);
        }
    }

    /** Stops monitoring (after a moment for the last lines to arrive) and returns what was counted. */
    public Counts stop() throws InterruptedException {
        Thread.sleep(TAIL_MS);
        close();
        reader.join(CONNECT_TIMEOUT_MS);
        synchronized (this) {
            return new Counts(Map.copyOf(roundTrips), Map.copyOf(inScripts));
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing more to read
        }
    }
}
