package io.doorstep.client.media;

import java.time.Instant;

/**
 * One sample of a call's quality, from WebRTC's statistics. Rates and the fraction lost are over the interval since
 * the previous sample; counters are totals since the call's media started. A value WebRTC has not measured yet is
 * {@code NaN} (doubles) or null (candidate types).
 *
 * @param timestamp           when the sample was taken
 * @param rttMs               round-trip time on the selected candidate pair (STUN consent checks), milliseconds
 * @param jitterMs            inter-arrival jitter of the received audio (of the video when there is no audio), ms
 * @param packetsLost         received-media packets lost so far (audio and video)
 * @param fractionLost        share of received-media packets lost in the last interval, 0..1
 * @param bitrateInKbps       bits received per second on the selected pair in the last interval, kbit/s
 * @param bitrateOutKbps      bits sent per second on the selected pair in the last interval, kbit/s
 * @param framesEncoded       local video frames encoded so far
 * @param framesDecoded       remote video frames decoded so far
 * @param audioPacketsReceived remote audio packets received so far
 * @param localCandidateType  the selected pair's local candidate: host, srflx, prflx or relay
 * @param remoteCandidateType the selected pair's remote candidate: host, srflx, prflx or relay
 * @param relayProtocol       how this side reaches its TURN relay (udp, tcp, tls) when the local candidate is relay
 */
public record CallStats(Instant timestamp, double rttMs, double jitterMs, long packetsLost, double fractionLost,
                        double bitrateInKbps, double bitrateOutKbps, long framesEncoded, long framesDecoded,
                        long audioPacketsReceived, String localCandidateType, String remoteCandidateType,
                        String relayProtocol) {

    /** The candidate type of a relayed (TURN) candidate. */
    public static final String RELAY = "relay";

    /** Whether media goes through a TURN relay at both ends of the selected pair (as relay-only calls must). */
    public boolean relayedBothEnds() {
        return RELAY.equals(localCandidateType) && RELAY.equals(remoteCandidateType);
    }

    /** Whether a candidate pair has been selected, i.e. media has a path. */
    public boolean connected() {
        return localCandidateType != null;
    }
}
