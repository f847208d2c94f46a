package io.doorstep.loadtest.probe;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's open sessions and calls in progress, from its {@code /metrics}: read before a soak and after it, any
 * difference is something the server kept that its clients have let go of.
 */
public final class ServerGauges {
    private static final Pattern SESSIONS = Pattern.compile("^doorstep_sessions(?:\\{[^}]*})? (\\S+)$",
            Pattern.MULTILINE);
    private static final Pattern CALLS = Pattern.compile("^doorstep_calls_in_progress(?:\\{[^}]*})? (\\S+)$",
            Pattern.MULTILINE);

    /** Open sessions (all roles) and calls queued, ringing or connected. */
    public record Reading(double sessions, double callsInProgress) {
    }

    private final URI metrics;

    /** {@code server} is the WebSocket URL; the metrics are on the same port. */
    public ServerGauges(URI server) {
        this.metrics = MetricsEndpoint.of(server);
    }

    /** The gauges now; empty when /metrics cannot be read (needs {@code metrics.require-auth: false}). */
    public Optional<Reading> read() {
        return MetricsEndpoint.scrape(metrics).map(ServerGauges::parse);
    }

    static Reading parse(String scrape) {
        return new Reading(sum(SESSIONS, scrape), sum(CALLS, scrape));
    }

    private static double sum(Pattern gauge, String scrape) {
        Matcher m = gauge.matcher(scrape);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
