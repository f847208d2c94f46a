package io.doorstep.relay.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every relay metric, in one place. Counted as packets pass, so a scrape sees live figures, not totals of ended
 * allocations. Labels are bounded: directions, kinds and reasons are fixed sets; never a label per allocation or
 * peer. Micrometer counters are striped adders, cheap enough for the packet path.
 */
public final class RelayMetrics {
    /** Why a packet or request was dropped. */
    public enum Drop { MALFORMED, NO_ALLOCATION, NO_PERMISSION, NO_CHANNEL, POLICY, BANDWIDTH, TOO_LARGE, CLIENT_SLOW }

    private final MeterRegistry registry;
    private final Counter allocationsCreated;
    private final Map<String, Counter> allocationsEnded = new ConcurrentHashMap<>();
    private final Counter packetsToPeer;
    private final Counter packetsToClient;
    private final Counter bytesToPeer;
    private final Counter bytesToClient;
    private final Counter channelData;
    private final Counter indications;
    private final Map<Drop, Counter> drops = new ConcurrentHashMap<>();
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Timer latencyToPeer;
    private final Timer latencyToClient;

    public RelayMetrics(MeterRegistry registry, Supplier<Number> activeAllocations) {
        this.registry = registry;
        Gauge.builder("doorstep.relay.allocations.active", activeAllocations).description("Live TURN allocations")
                .register(registry);
        // Not "...created": the Prometheus client strips a _created suffix (it means a creation timestamp there).
        allocationsCreated = Counter.builder("doorstep.relay.allocations.opened")
                .description("TURN allocations created").register(registry);
        packetsToPeer = packets("to_peer");
        packetsToClient = packets("to_client");
        bytesToPeer = bytes("to_peer");
        bytesToClient = bytes("to_client");
        channelData = Counter.builder("doorstep.relay.packets.by.framing").description("Relayed packets by framing")
                .tag("framing", "channel_data").register(registry);
        indications = Counter.builder("doorstep.relay.packets.by.framing").description("Relayed packets by framing")
                .tag("framing", "indication").register(registry);
        latencyToPeer = latency("to_peer");
        latencyToClient = latency("to_client");
        for (Drop d : Drop.values()) {
            drops.put(d, Counter.builder("doorstep.relay.dropped").description("Packets dropped, by reason")
                    .tag("reason", d.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    private Counter packets(String direction) {
        return Counter.builder("doorstep.relay.packets").description("Packets relayed, by direction")
                .tag("direction", direction).register(registry);
    }

    private Counter bytes(String direction) {
        return Counter.builder("doorstep.relay.bytes").description("Payload bytes relayed, by direction")
                .baseUnit("bytes").tag("direction", direction).register(registry);
    }

    private Timer latency(String direction) {
        return Timer.builder("doorstep.relay.forwarding.latency")
                .description("Time from reading a packet to flushing it to the outgoing socket, one packet in "
                        + LatencySampler.PERIOD + " sampled")
                .tag("direction", direction).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1_000)).maximumExpectedValue(Duration.ofMillis(100))
                .register(registry);
    }

    /** A sampler for one flush point of packets going to peers. */
    public LatencySampler toPeerLatency() {
        return new LatencySampler(latencyToPeer);
    }

    /** A sampler for one flush point of packets going to clients. */
    public LatencySampler toClientLatency() {
        return new LatencySampler(latencyToClient);
    }

    public void allocationCreated() {
        allocationsCreated.increment();
    }

    /** {@code reason}: expired, deleted (Refresh 0), closed (TCP connection gone), shutdown. */
    public void allocationEnded(String reason) {
        allocationsEnded.computeIfAbsent(reason, r -> Counter.builder("doorstep.relay.allocations.ended")
                .description("TURN allocations ended, by reason").tag("reason", r).register(registry)).increment();
    }

    public void toPeer(int bytes, boolean viaChannel) {
        packetsToPeer.increment();
        bytesToPeer.increment(bytes);
        (viaChannel ? channelData : indications).increment();
    }

    public void toClient(int bytes, boolean viaChannel) {
        packetsToClient.increment();
        bytesToClient.increment(bytes);
        (viaChannel ? channelData : indications).increment();
    }

    /** Payload bytes relayed from clients to peers since start. */
    public long bytesToPeer() {
        return (long) bytesToPeer.count();
    }

    /** Payload bytes relayed from peers to clients since start. */
    public long bytesToClient() {
        return (long) bytesToClient.count();
    }

    public void dropped(Drop reason) {
        drops.get(reason).increment();
    }

    /** {@code reason}: missing, bad_integrity, unknown_user, expired_user, stale_nonce, wrong_credentials. */
    public void authFailure(String reason) {
        authFailures.computeIfAbsent(reason, r -> Counter.builder("doorstep.relay.auth.failures")
                .description("Refused authentications, by reason").tag("reason", r).register(registry)).increment();
    }

    /** A STUN request answered; {@code method} is a known method name, {@code outcome} success or the error code. */
    public void request(String method, String outcome) {
        requests.computeIfAbsent(method + '/' + outcome, k -> Counter.builder("doorstep.relay.requests")
                .description("STUN/TURN requests answered, by method and outcome")
                .tag("method", method).tag("outcome", outcome).register(registry)).increment();
    }
}
