package io.doorstep.client.internal.media;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import io.doorstep.client.media.CallStats;
import java.time.Instant;
import java.util.Map;

/**
 * Turns WebRTC's statistics (W3C names) into {@link CallStats}. Keeps the previous report's counters to compute
 * rates and the fraction lost over each interval. Used on the media thread only.
 */
final class StatsSampler {
    private long lastMicros = -1;
    private long lastBytesIn;
    private long lastBytesOut;
    private long lastReceived;
    private long lastLost;

    CallStats sample(RTCStatsReport report) {
        Map<String, RTCStats> all = report.getStats();
        RTCStats pair = selectedPair(all);
        RTCStats local = pair == null ? null : all.get(text(pair, "localCandidateId"));
        RTCStats remote = pair == null ? null : all.get(text(pair, "remoteCandidateId"));
        Media in = inbound(all);
        long framesEncoded = 0;
        for (RTCStats s : all.values()) {
            if (s.getType() == RTCStatsType.OUTBOUND_RTP && "video".equals(text(s, "kind"))) {
                framesEncoded += number(s, "framesEncoded", 0);
            }
        }
        long micros = report.getTimestamp();
        long bytesIn = pair == null ? 0 : (long) number(pair, "bytesReceived", 0);
        long bytesOut = pair == null ? 0 : (long) number(pair, "bytesSent", 0);
        double seconds = lastMicros < 0 ? Double.NaN : (micros - lastMicros) / 1e6;
        double kbpsIn = rate(bytesIn - lastBytesIn, seconds);
        double kbpsOut = rate(bytesOut - lastBytesOut, seconds);
        long receivedDelta = in.received - lastReceived;
        long lostDelta = Math.max(0, in.lost - lastLost);
        double fractionLost = receivedDelta + lostDelta <= 0 || lastMicros < 0
                ? Double.NaN : (double) lostDelta / (receivedDelta + lostDelta);
        lastMicros = micros;
        lastBytesIn = bytesIn;
        lastBytesOut = bytesOut;
        lastReceived = in.received;
        lastLost = in.lost;
        String localType = local == null ? null : text(local, "candidateType");
        return new CallStats(Instant.ofEpochMilli(micros / 1000),
                pair == null ? Double.NaN : number(pair, "currentRoundTripTime", Double.NaN) * 1000,
                in.jitterMs, in.lost, fractionLost, kbpsIn, kbpsOut, framesEncoded, in.framesDecoded,
                in.audioPackets, localType, remote == null ? null : text(remote, "candidateType"),
                CallStats.RELAY.equals(localType) ? text(local, "relayProtocol") : null);
    }

    /** The transport's selected pair; failing that, a nominated pair that succeeded. */
    private static RTCStats selectedPair(Map<String, RTCStats> all) {
        for (RTCStats s : all.values()) {
            if (s.getType() == RTCStatsType.TRANSPORT) {
                RTCStats pair = all.get(text(s, "selectedCandidatePairId"));
                if (pair != null) {
                    return pair;
                }
            }
        }
        for (RTCStats s : all.values()) {
            if (s.getType() == RTCStatsType.CANDIDATE_PAIR && Boolean.TRUE.equals(s.getAttributes().get("nominated"))
                    && "succeeded".equals(text(s, "state"))) {
                return s;
            }
        }
        return null;
    }

    /** What arrives from the peer: audio and video added up, jitter of the audio (of the video without audio). */
    private record Media(long received, long lost, double jitterMs, long framesDecoded, long audioPackets) {
    }

    private static Media inbound(Map<String, RTCStats> all) {
        long received = 0, lost = 0, frames = 0, audioPackets = 0;
        double audioJitter = Double.NaN, videoJitter = Double.NaN;
        for (RTCStats s : all.values()) {
            if (s.getType() != RTCStatsType.INBOUND_RTP) {
                continue;
            }
            long packets = (long) number(s, "packetsReceived", 0);
            received += packets;
            lost += Math.max(0, (long) number(s, "packetsLost", 0));
            double jitterMs = number(s, "jitter", Double.NaN) * 1000;
            if ("audio".equals(text(s, "kind"))) {
                audioJitter = jitterMs;
                audioPackets += packets;
            } else {
                videoJitter = jitterMs;
                frames += (long) number(s, "framesDecoded", 0);
            }
        }
        return new Media(received, lost, Double.isNaN(audioJitter) ? videoJitter : audioJitter, frames, audioPackets);
    }

    private static double rate(long bytes, double seconds) {
        return Double.isNaN(seconds) || seconds <= 0 ? Double.NaN : Math.max(0, bytes) * 8 / seconds / 1000;
    }

    private static String text(RTCStats s, String key) {
        Object v = s.getAttributes().get(key);
        return v == null ? null : v.toString();
    }

    private static double number(RTCStats s, String key, double absent) {
        return s.getAttributes().get(key) instanceof Number n ? n.doubleValue() : absent;
    }
}
