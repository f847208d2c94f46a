package io.doorstep.loadtest.probe;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Redis behind a cluster did over a phase, read from Redis itself: {@code INFO commandstats} (calls per
 * command) and {@code INFO cpu} before and after, divided by the calls the phase completed. That is Redis's work per
 * call, not the round trips: commandstats counts the commands a Lua script runs as well as the {@code EVALSHA} that
 * ran it ({@link RedisMonitor} counts round trips). Redis counts every client, so the figures hold only while nothing
 * else uses that Redis much; the idle rate (the nodes' heartbeats, and anything else) is measured apart and taken off.
 */
public final class RedisProbe implements AutoCloseable {
    private static final Pattern COMMAND = Pattern.compile("^cmdstat_(\\S+?):calls=(\\d+),", Pattern.MULTILINE);
    private static final Pattern CPU = Pattern.compile("^used_cpu_(?:sys|user):([0-9.]+)$", Pattern.MULTILINE);
    /** This probe's own command, left out of the counts. */
    private static final String OWN = "info";

    /** Redis's counters at one moment. */
    public record Snapshot(long nanos, Map<String, Long> commands, double cpuSeconds) {
    }

    /** What Redis did between two snapshots: commands by name (upper case, as in the docs), and CPU. */
    public record Usage(Duration wall, Map<String, Long> commands, double cpuSeconds) {
        public long total() {
            return commands.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Cores Redis kept busy on average. */
        public double cores() {
            return wall.isZero() ? 0 : cpuSeconds / (wall.toNanos() / 1e9);
        }

        /** Commands per second. */
        public double rate() {
            return wall.isZero() ? 0 : total() / (wall.toNanos() / 1e9);
        }

        /**
         * This usage less what {@code idle} would have done over the same wall time (a command's count not below 0):
         * what the calls themselves cost.
         */
        public Usage less(Usage idle) {
            double scale = idle.wall.isZero() ? 0 : (double) wall.toNanos() / idle.wall.toNanos();
            Map<String, Long> net = new TreeMap<>();
            commands.forEach((name, n) -> net.put(name,
                    Math.max(0, n - Math.round(idle.commands.getOrDefault(name, 0L) * scale))));
            return new Usage(wall, net, Math.max(0, cpuSeconds - idle.cpuSeconds * scale));
        }

        /** Per completed call: commands in all, then by command, most first, and Redis's CPU. */
        public String perCall(long calls) {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%.1f commands per call", per(total(),
                    calls)));
            commands.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .filter(e -> per(e.getValue(), calls) >= 0.05)
                    .forEach(e -> out.append(String.format(Locale.ROOT, ", %s %.1f", e.getKey(),
                            per(e.getValue(), calls))));
            return out.append(String.format(Locale.ROOT, "; Redis cpu %.0f us per call (%.2f cores)",
                    per(cpuSeconds * 1e6, calls), cores())).toString();
        }

        public static double per(double amount, long calls) {
            return calls == 0 ? Double.NaN : amount / calls;
        }
    }

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private Usage background = new Usage(Duration.ZERO, Map.of(), 0);

    public RedisProbe(URI redis) {
        this.client = RedisClient.create(RedisURI.create(redis));
        this.connection = client.connect();
    }

    public Snapshot snapshot() {
        String commands = connection.sync().info("commandstats");
        String cpu = connection.sync().info("cpu");
        return new Snapshot(System.nanoTime(), commands(commands), cpuSeconds(cpu));
    }

    /** What Redis did since {@code before}. */
    public Usage since(Snapshot before) {
        Snapshot now = snapshot();
        Map<String, Long> delta = new TreeMap<>();
        now.commands().forEach((name, n) -> {
            long d = n - before.commands().getOrDefault(name, 0L);
            if (d > 0 && !name.equals(OWN)) {
                delta.put(name.toUpperCase(Locale.ROOT), d);
            }
        });
        return new Usage(Duration.ofNanos(now.nanos() - before.nanos()), delta,
                now.cpuSeconds() - before.cpuSeconds());
    }

    /**
     * Measures what Redis does over {@code wall} while the load places no calls (the nodes' heartbeats, other
     * clients): the background that {@link #callsSince} takes off.
     */
    public Usage measureBackground(Duration wall) throws InterruptedException {
        Snapshot before = snapshot();
        Thread.sleep(wall.toMillis());
        background = since(before);
        return background;
    }

    /** What Redis did since {@code before} for the calls: less the background measured before. */
    public Usage callsSince(Snapshot before) {
        return since(before).less(background);
    }

    static Map<String, Long> commands(String info) {
        Map<String, Long> calls = new TreeMap<>();
        Matcher m = COMMAND.matcher(info.replace("\r", ""));
        while (m.find()) {
            calls.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return calls;
    }

    static double cpuSeconds(String info) {
        double total = 0;
        Matcher m = CPU.matcher(info.replace("\r", ""));
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
