package io.doorstep.loadtest.probe;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's own view of a phase: its switchboard histograms ({@code doorstep_switchboard_wait_seconds}, and
 * {@code doorstep_switchboard_work_seconds} by message type) read from {@code /metrics} before and after the phase,
 * so the difference covers that phase alone, not the sign-in and the warm-up before it.
 */
public final class SwitchboardProbe {
    private static final Pattern BUCKET = Pattern.compile(
            "^doorstep_switchboard_(wait|work)_seconds_bucket\\{(.*)} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");
    private static final Pattern TYPE = Pattern.compile("type=\"([^\"]+)\"");

    private final URI metrics;

    /** {@code server} is the WebSocket URL; the metrics are on the same port. */
    public SwitchboardProbe(URI server) {
        this.metrics = MetricsEndpoint.of(server);
    }

    /** Cumulative bucket counts: histogram ("wait", or "work " + type) to upper bound (seconds) to count. */
    public record Snapshot(Map<String, TreeMap<Double, Double>> histograms) {
        /** What happened between {@code before} and this snapshot, as text: one row per histogram. */
        public String since(Snapshot before) {
            StringBuilder out = new StringBuilder();
            histograms.forEach((name, buckets) -> {
                TreeMap<Double, Double> earlier = before.histograms.getOrDefault(name, new TreeMap<>());
                double total = buckets.lastEntry().getValue() - earlier.getOrDefault(buckets.lastKey(), 0.0);
                if (total <= 0) {
                    return;
                }
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-22s %7.0f", name, total));
                buckets.forEach((le, count) -> {
                    if (!le.isInfinite()) {
                        double within = count - earlier.getOrDefault(le, 0.0);
                        row.append(String.format(Locale.ROOT, "  <=%sms %6.2f%%",
                                BigDecimal.valueOf(le * 1000).stripTrailingZeros().toPlainString(),
                                100 * within / total));
                    }
                });
                out.append(row).append('\n');
            });
            return out.toString();
        }
    }

    /** The histograms now, or empty ones when the server's metrics cannot be read (the report says so). */
    public Snapshot snapshot() {
        return MetricsEndpoint.scrape(metrics).map(SwitchboardProbe::parse).orElseGet(() -> new Snapshot(Map.of()));
    }

    /** Scrapes the server's metrics every {@code interval} (results unused) until closed. */
    public AutoCloseable scrapeEvery(Duration interval) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "metrics-scrape");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::snapshot, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }

    static Snapshot parse(String scrape) {
        Map<String, TreeMap<Double, Double>> histograms = new TreeMap<>();
        Matcher m = BUCKET.matcher(scrape);
        while (m.find()) {
            Matcher le = LE.matcher(m.group(2));
            if (!le.find()) {
                continue;
            }
            Matcher type = TYPE.matcher(m.group(2));
            String name = m.group(1) + (type.find() ? " " + type.group(1) : "");
            histograms.computeIfAbsent(name, k -> new TreeMap<>())
                    .put(bound(le.group(1)), Double.parseDouble(m.group(3)));
        }
        return new Snapshot(histograms);
    }

    private static double bound(String le) {
        return "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }
}
