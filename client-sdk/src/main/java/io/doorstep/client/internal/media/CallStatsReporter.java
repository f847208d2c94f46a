package io.doorstep.client.internal.media;

import io.doorstep.client.media.CallStats;
import io.doorstep.protocol.ClientMessage;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a call's quality samples into call.stats messages for the signalling server, at most one per
 * {@link #DEFAULT_INTERVAL} (the server refuses more than one per {@value ClientMessage.CallStats#MIN_INTERVAL_SECONDS}
 * s per party and call). Samples in between only go to the application. One per call; not thread-safe (use it on
 * the media thread, from {@link MediaSession.Listener#stats}).
 */
public final class CallStatsReporter {
    /** Twice the server's limit, so timer jitter never trips it. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2L * ClientMessage.CallStats.MIN_INTERVAL_SECONDS);

    private final String callId;
    private final Duration interval;
    private Instant last;

    public CallStatsReporter(String callId) {
        this(callId, DEFAULT_INTERVAL);
    }

    public CallStatsReporter(String callId, Duration interval) {
        if (interval.getSeconds() < ClientMessage.CallStats.MIN_INTERVAL_SECONDS) {
            throw new IllegalArgumentException("the server takes call.stats at most once every "
                    + ClientMessage.CallStats.MIN_INTERVAL_SECONDS + " s");
        }
        this.callId = callId;
        this.interval = interval;
    }

    /** The message to send for this sample, or null when the last one sent is too recent. */
    public ClientMessage.CallStats offer(CallStats s) {
        if (last != null && s.timestamp().isBefore(last.plus(interval))) {
            return null;
        }
        last = s.timestamp();
        return message(callId, s);
    }

    /** A sample as a call.stats message (no request id): unmeasured values are left out, the rest clamped to range. */
    public static ClientMessage.CallStats message(String callId, CallStats s) {
        return new ClientMessage.CallStats(null, callId,
                within(s.rttMs(), ClientMessage.CallStats.MAX_MS),
                within(s.jitterMs(), ClientMessage.CallStats.MAX_MS),
                s.packetsLost() < 0 ? null : s.packetsLost(),
                within(s.fractionLost(), 1),
                within(s.bitrateInKbps(), ClientMessage.CallStats.MAX_KBPS),
                within(s.bitrateOutKbps(), ClientMessage.CallStats.MAX_KBPS),
                s.framesDecoded() < 0 ? null : s.framesDecoded(),
                ClientMessage.CallStats.CANDIDATE_TYPES.contains(s.localCandidateType()) ? s.localCandidateType() : null,
                CallStats.RELAY.equals(s.localCandidateType())
                        && ClientMessage.CallStats.RELAY_PROTOCOLS.contains(s.relayProtocol()) ? s.relayProtocol() : null);
    }

    /** NaN (not measured) as absent; anything else within 0..max, so one odd reading never costs the report. */
    private static Double within(double v, double max) {
        return Double.isNaN(v) ? null : Math.min(Math.max(v, 0), max);
    }
}
