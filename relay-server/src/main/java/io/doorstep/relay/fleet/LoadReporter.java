package io.doorstep.relay.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.documents.SignedPost;
import io.doorstep.relays.RelayLoad;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports this relay to the signalling server every interval ({@link RelayLoad}): live allocations against capacity
 * and the bitrate relayed each way since the last report. Posts from a thread of its own. A report that does not get
 * through is not retried: the next one replaces it. On close it says it is leaving, so operators see a drained relay
 * go at once rather than after three missed reports.
 */
public final class LoadReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoadReporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who the relay is; fixed for its lifetime. */
    public record Identity(String relayId, String region, List<String> turnUrls, int capacity) {
        public Identity {
            turnUrls = List.copyOf(turnUrls);
        }
    }

    /** Where the load figures come from. */
    public record Source(IntSupplier allocations, LongSupplier bytesToPeer, LongSupplier bytesToClient) {
    }

    private final Identity identity;
    private final Source source;
    private final SignedPost post;
    private final Duration interval;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relay-load-report");
        t.setDaemon(true);
        return t;
    });
    private long lastAt;
    private long lastToPeer;
    private long lastToClient;
    private boolean failing;

    public LoadReporter(Identity identity, Source source, SignedPost post, Duration interval, Clock clock) {
        this.identity = identity;
        this.source = source;
        this.post = post;
        this.interval = interval;
        this.clock = clock;
    }

    public void start() {
        lastAt = clock.millis();
        lastToPeer = source.bytesToPeer().getAsLong();
        lastToClient = source.bytesToClient().getAsLong();
        thread.scheduleWithFixedDelay(() -> send(false), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("relay load reports relay={} every={} to={}", identity.relayId(), interval, post.target());
    }

    /** The report as of now; advances the window the bitrates are measured over. Report thread only. */
    RelayLoad sample(boolean leaving) {
        long now = clock.millis();
        long toPeer = source.bytesToPeer().getAsLong();
        long toClient = source.bytesToClient().getAsLong();
        long elapsed = Math.max(1, now - lastAt);
        RelayLoad load = new RelayLoad(identity.relayId(), identity.region(), identity.turnUrls(),
                source.allocations().getAsInt(), identity.capacity(), bitrate(toPeer - lastToPeer, elapsed),
                bitrate(toClient - lastToClient, elapsed), now, interval.toMillis(), leaving);
        lastAt = now;
        lastToPeer = toPeer;
        lastToClient = toClient;
        return load;
    }

    private static long bitrate(long bytes, long millis) {
        return Math.max(0, bytes) * 8_000 / millis;
    }

    private void send(boolean leaving) {
        try {
            int status = post.send(json(sample(leaving)));
            if (status / 100 == 2 && failing) {
                log.info("relay load reports taken again relay={}", identity.relayId());
            } else if (status / 100 != 2 && !failing) {
                log.warn("relay load report not taken status={} relay={}; trying again every {}", status,
                        identity.relayId(), interval);
            }
            failing = status / 100 != 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("relay load report failed relay={}", identity.relayId(), e);
        }
    }

    private static byte[] json(RelayLoad load) {
        try {
            return JSON.writeValueAsBytes(load);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a load report is always serialisable", e);
        }
    }

    /** Stops reporting and, within a second or two, tells the signalling server the relay is leaving. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (thread.awaitTermination(2, TimeUnit.SECONDS)) {
                send(true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
