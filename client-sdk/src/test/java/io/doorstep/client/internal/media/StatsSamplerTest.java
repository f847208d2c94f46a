package io.doorstep.client.internal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import io.doorstep.client.media.CallStats;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** WebRTC's W3C statistics, as libwebrtc reports them (numbers of mixed Java types), into CallStats. */
class StatsSamplerTest {
    private final StatsSampler sampler = new StatsSampler();

    private static RTCStats stats(RTCStatsType type, String id, Object... keyValues) {
        Map<String, Object> attributes = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            attributes.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new RTCStats(0, type, id, attributes) { };
    }

    /** One report at {@code seconds}: a relayed pair, audio and video in and out, with these running totals. */
    private static RTCStatsReport report(long seconds, long bytesIn, long bytesOut, long videoPackets, long videoLost,
                                         long framesDecoded) {
        Map<String, RTCStats> all = new HashMap<>();
        for (RTCStats s : new RTCStats[] {
                stats(RTCStatsType.TRANSPORT, "T01", "selectedCandidatePairId", "CP1"),
                stats(RTCStatsType.CANDIDATE_PAIR, "CP1", "localCandidateId", "L1", "remoteCandidateId", "R1",
                        "currentRoundTripTime", 0.042, "bytesReceived", BigInteger.valueOf(bytesIn),
                        "bytesSent", BigInteger.valueOf(bytesOut), "nominated", true, "state", "succeeded"),
                stats(RTCStatsType.CANDIDATE_PAIR, "CP2", "localCandidateId", "L2", "remoteCandidateId", "R1",
                        "state", "failed"),
                stats(RTCStatsType.LOCAL_CANDIDATE, "L1", "candidateType", "relay", "relayProtocol", "udp"),
                stats(RTCStatsType.LOCAL_CANDIDATE, "L2", "candidateType", "host"),
                stats(RTCStatsType.REMOTE_CANDIDATE, "R1", "candidateType", "relay"),
                stats(RTCStatsType.INBOUND_RTP, "IA", "kind", "audio", "jitter", 0.006, "packetsReceived", 50L * seconds,
                        "packetsLost", 0),
                stats(RTCStatsType.INBOUND_RTP, "IV", "kind", "video", "jitter", 0.011,
                        "packetsReceived", videoPackets, "packetsLost", (int) videoLost,
                        "framesDecoded", framesDecoded),
                stats(RTCStatsType.OUTBOUND_RTP, "OV", "kind", "video", "framesEncoded", 15L * seconds)}) {
            all.put(s.getId(), s);
        }
        return new RTCStatsReport(all, seconds * 1_000_000) { };
    }

    @Test
    void firstSampleHasTotalsButNoRates() {
        CallStats s = sampler.sample(report(10, 1_000_000, 900_000, 1000, 5, 150));
        assertThat(s.rttMs()).isCloseTo(42, within(1e-9));
        assertThat(s.jitterMs()).as("the audio's jitter").isCloseTo(6, within(1e-9));
        assertThat(s.packetsLost()).isEqualTo(5);
        assertThat(s.framesDecoded()).isEqualTo(150);
        assertThat(s.framesEncoded()).isEqualTo(150);
        assertThat(s.audioPacketsReceived()).isEqualTo(500);
        assertThat(s.bitrateInKbps()).isNaN();
        assertThat(s.fractionLost()).isNaN();
        assertThat(s.relayedBothEnds()).isTrue();
        assertThat(s.relayProtocol()).isEqualTo("udp");
        assertThat(s.timestamp().getEpochSecond()).isEqualTo(10);
    }

    @Test
    void ratesAndLossAreOverTheInterval() {
        sampler.sample(report(10, 1_000_000, 900_000, 1000, 5, 150));
        CallStats s = sampler.sample(report(12, 1_250_000, 1_000_000, 1450, 10, 180));
        assertThat(s.bitrateInKbps()).as("250 kB in 2 s").isCloseTo(1000, within(1e-9));
        assertThat(s.bitrateOutKbps()).as("100 kB in 2 s").isCloseTo(400, within(1e-9));
        // 100 audio + 450 video packets arrived and 5 were lost in the interval
        assertThat(s.fractionLost()).isCloseTo(5.0 / 555, within(1e-9));
    }

    @Test
    void noSelectedPairYetMeansUnknownPath() {
        Map<String, RTCStats> all = new HashMap<>();
        all.put("T01", stats(RTCStatsType.TRANSPORT, "T01"));
        CallStats s = sampler.sample(new RTCStatsReport(all, 1_000_000) { });
        assertThat(s.connected()).isFalse();
        assertThat(s.rttMs()).isNaN();
        assertThat(s.localCandidateType()).isNull();
        assertThat(s.relayProtocol()).isNull();
    }
}
