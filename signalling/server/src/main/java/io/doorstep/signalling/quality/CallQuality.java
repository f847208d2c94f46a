package io.doorstep.signalling.quality;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.metrics.SignallingMetrics;
import io.doorstep.signalling.routing.Dispatcher;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The parties' reports of their calls' media quality (call.stats), turned into the operators' aggregate metrics. A
 * party may report once per {@value ClientMessage.CallStats#MIN_INTERVAL_SECONDS} s per call, so a client that
 * reports too often is told so and cannot weigh more than others in the district's histograms. Owned by the
 * switchboard thread: not thread-safe.
 */
public final class CallQuality {
    private static final long MIN_INTERVAL_MS = TimeUnit.SECONDS.toMillis(ClientMessage.CallStats.MIN_INTERVAL_SECONDS);
    /** A party silent this long is forgotten (its call has ended or it stopped reporting). */
    private static final long FORGET_AFTER_MS = TimeUnit.MINUTES.toMillis(2);

    private final SignallingMetrics metrics;
    private final Clock clock;
    private final Map<String, Last> parties = new HashMap<>();
    private long lastSweep;

    /** What a party reported last: when, and how many frames it had decoded then. */
    private record Last(long atMs, Long framesDecoded) {
    }

    public CallQuality(SignallingMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Records a report from the {@code role} party of a connected call, or refuses it (RATE_LIMITED) as too soon. */
    public void report(Role role, ClientMessage.CallStats m) throws Dispatcher.Rejection {
        long now = clock.millis();
        sweep(now);
        String key = m.callId() + "/" + role.wireName();
        Last last = parties.get(key);
        if (last != null && now - last.atMs() < MIN_INTERVAL_MS) {
            throw new Dispatcher.Rejection(ErrorCode.RATE_LIMITED, "call.stats at most once every " + ClientMessage.CallStats.MIN_INTERVAL_SECONDS
                    + " s per call; this report was not counted");
        }
        boolean stalled = last != null && last.framesDecoded() != null && m.framesDecoded() != null
                && m.framesDecoded() <= last.framesDecoded();
        parties.put(key, new Last(now, m.framesDecoded()));
        metrics.callQuality(role, m.candidateType(), m, stalled);
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
