package io.doorstep.signalling.quality;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Dashboard;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.metrics.SignallingMetrics;
import io.doorstep.signalling.routing.Dispatcher;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The parties' reports of their calls' media quality (call.stats), turned into the operators' aggregate metrics. A
 * party may report once per {@value ClientMessage.CallStats#MIN_INTERVAL_SECONDS} s per call, so a client that
 * reports too often is told so and cannot weigh more than others in the district's histograms. Owned by the
 * switchboard thread: not thread-safe.
 */
public final class CallQuality {
    private static final long MIN_INTERVAL_MS = TimeUnit.SECONDS.toMillis(ClientMessage.CallStats.MIN_INTERVAL_SECONDS);
    /** A party silent this long is forgotten (its call has ended or it stopped reporting). */
    public static final long FORGET_AFTER_MS = TimeUnit.MINUTES.toMillis(2);

    private final SignallingMetrics metrics;
    private final Clock clock;
    private final QualityShare share;
    private final Map<String, Last> parties = new HashMap<>();
    private long lastSweep;

    /** What a party reported last: when, how many frames it had decoded then, and what the dashboard shows. */
    private record Last(long atMs, Long framesDecoded, QualityShare.PartyQuality shown) {
    }

    /** {@code share}: where the figures the dashboard shows go for other nodes ({@link QualityShare#NONE} alone). */
    public CallQuality(SignallingMetrics metrics, Clock clock, QualityShare share) {
        this.metrics = metrics;
        this.clock = clock;
        this.share = share;
    }

    /** Records a report from the {@code role} party of a connected call, or refuses it (RATE_LIMITED) as too soon. */
    public void report(Role role, ClientMessage.CallStats m) throws Dispatcher.Rejection {
        long now = clock.millis();
        sweep(now);
        String key = QualityShare.key(m.callId(), role);
        Last last = parties.get(key);
        if (last != null && now - last.atMs() < MIN_INTERVAL_MS) {
            throw new Dispatcher.Rejection(ErrorCode.RATE_LIMITED, "call.stats at most once every " + ClientMessage.CallStats.MIN_INTERVAL_SECONDS
                    + " s per call; this report was not counted");
        }
        boolean stalled = last != null && last.framesDecoded() != null && m.framesDecoded() != null
                && m.framesDecoded() <= last.framesDecoded();
        QualityShare.PartyQuality shown = new QualityShare.PartyQuality(m.rttMs(), m.fractionLost(), stalled);
        parties.put(key, new Last(now, m.framesDecoded(), shown));
        metrics.callQuality(role, m.candidateType(), m, stalled);
        share.put(m.callId(), role, shown); // last: counted here even if the shared state is away
    }

    /**
     * The calls' quality as their parties last reported it (here, or to another node), the worse of the two for each
     * measure; a call without a report in the last {@link #FORGET_AFTER_MS} is absent.
     */
    public Map<String, Dashboard.Quality> latest(List<String> callIds) {
        Map<String, QualityShare.PartyQuality> shared = callIds.isEmpty() ? Map.of() : share.get(callIds);
        Map<String, Dashboard.Quality> out = new HashMap<>();
        for (String callId : callIds) {
            QualityShare.PartyQuality station = party(callId, Role.STATION, shared);
            QualityShare.PartyQuality agent = party(callId, Role.AGENT, shared);
            if (station != null || agent != null) {
                out.put(callId, new Dashboard.Quality(worst(station, agent, QualityShare.PartyQuality::rttMs),
                        worst(station, agent, QualityShare.PartyQuality::fractionLost),
                        (station != null && station.stalled()) || (agent != null && agent.stalled())));
            }
        }
        return out;
    }

    private QualityShare.PartyQuality party(String callId, Role role, Map<String, QualityShare.PartyQuality> shared) {
        String key = QualityShare.key(callId, role);
        Last here = parties.get(key);
        return here != null ? here.shown() : shared.get(key);
    }

    private static Double worst(QualityShare.PartyQuality a, QualityShare.PartyQuality b,
                                Function<QualityShare.PartyQuality, Double> measure) {
        Double x = a == null ? null : measure.apply(a);
        Double y = b == null ? null : measure.apply(b);
        return x == null ? y : y == null ? x : Double.valueOf(Math.max(x, y));
    }

    /** Forgets parties that have not reported for a while, at most once a minute. */
    private void sweep(long now) {
        if (now - lastSweep < FORGET_AFTER_MS / 2) {
            return;
        }
        lastSweep = now;
        for (Iterator<Last> it = parties.values().iterator(); it.hasNext(); ) {
            if (now - it.next().atMs() > FORGET_AFTER_MS) {
                it.remove();
            }
        }
    }
}
