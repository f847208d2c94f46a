package io.doorstep.signalling.dashboard;

import io.doorstep.protocol.Dashboard;
import io.doorstep.protocol.EndReason;
import io.doorstep.signalling.call.CallLog;
import io.doorstep.signalling.call.CallLogEntry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's memory of the last hours, fed by the call log's transitions: per-minute buckets (calls requested,
 * answered, abandoned, waits) for a bounded window, and today's totals for the service level. It reads transitions
 * rather than hooking into routing, so routing does not know it exists. Owned by the switchboard thread.
 */
public final class CallHistory {
    private static final long MINUTE_MS = 60_000;

    private final Clock clock;
    private final ZoneId zone;
    private final long targetMs;
    private final int windowMinutes;
    private final ArrayDeque<Bucket> minutes = new ArrayDeque<>();
    /** When each live call was queued, to know its wait when it is answered; removed when it ends. */
    private final Map<String, Long> queuedAt = new HashMap<>();
    private final Set<Long> changed = new LinkedHashSet<>();
    private LocalDate day;
    private long requested, answered, withinTarget, abandoned;

    private static final class Bucket {
        final long start;
        int requested, answered, abandoned;
        long waitTotal, waitMax;

        Bucket(long start) {
            this.start = start;
        }

        Dashboard.Minute view() {
            return new Dashboard.Minute(start, requested, answered, abandoned, waitTotal, waitMax);
        }
    }

    /** Keeps {@code window} of minutes; an answer within {@code serviceLevelTarget} counts towards the service level. */
    public CallHistory(Duration serviceLevelTarget, Duration window, Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
        this.targetMs = serviceLevelTarget.toMillis();
        this.windowMinutes = (int) Math.max(1, window.toMinutes());
    }

    /** The call log, with every call transition also counted here (on the switchboard thread, where appends are). */
    public CallLog tap(CallLog callLog) {
        return new CallLog() {
            @Override
            public void append(Entry entry) throws IOException {
                callLog.append(entry);
                if (entry instanceof CallLogEntry call) {
                    record(call);
                }
            }

            @Override
            public void close() throws IOException {
                callLog.close();
            }
        };
    }

    /** One transition of a call, as appended to the call log. */
    void record(CallLogEntry e) {
        switch (e.event()) {
            case "queued" -> {
                queuedAt.put(e.callId(), e.ts());
                Bucket b = bucket(e.ts());
                b.requested++;
                rollDay(e.ts());
                requested++;
            }
            case "connected" -> answered(e);
            case "ended" -> ended(e);
            default -> {
            }
        }
    }

    private void answered(CallLogEntry e) {
        Long since = queuedAt.get(e.callId());
        long wait = since == null ? 0 : Math.max(0, e.ts() - since);
        Bucket b = bucket(e.ts());
        b.answered++;
        b.waitTotal += wait;
        b.waitMax = Math.max(b.waitMax, wait);
        rollDay(e.ts());
        answered++;
        if (wait <= targetMs) {
            withinTarget++;
        }
    }

    private void ended(CallLogEntry e) {
        queuedAt.remove(e.callId());
        if (e.reason() == EndReason.ABANDONED || e.reason() == EndReason.CANCELLED) {
            bucket(e.ts()).abandoned++;
            rollDay(e.ts());
            abandoned++;
        }
    }

    /** The minutes kept, oldest first, leaving out those without any call. */
    List<Dashboard.Minute> minutes() {
        expire(clock.millis());
        return minutes.stream().map(Bucket::view).toList();
    }

    /** The minutes that changed since the last call, oldest first. */
    List<Dashboard.Minute> drainChanged() {
        List<Dashboard.Minute> out = new ArrayList<>();
        for (Bucket b : minutes) {
            if (changed.contains(b.start)) {
                out.add(b.view());
            }
        }
        changed.clear();
        return out;
    }

    Dashboard.Today today() {
        rollDay(clock.millis());
        long counted = answered + abandoned;
        return new Dashboard.Today(day.toString(), requested, answered, withinTarget, abandoned,
                counted == 0 ? null : (double) withinTarget / counted, targetMs / 1000);
    }

    /** Today's counters, restarted when the day (in the server's zone) turns. */
    private void rollDay(long ts) {
        LocalDate d = LocalDate.ofInstant(Instant.ofEpochMilli(ts), zone);
        if (!d.equals(day)) {
            day = d;
            requested = answered = withinTarget = abandoned = 0;
        }
    }

    private Bucket bucket(long ts) {
        long start = ts - Math.floorMod(ts, MINUTE_MS);
        expire(ts);
        Bucket last = minutes.peekLast();
        if (last == null || last.start < start) {
            last = new Bucket(start);
            minutes.addLast(last);
        } else if (last.start > start) { // a transition stamped in an earlier minute (clock step): count it there
            last = minutes.stream().filter(b -> b.start == start).findFirst().orElse(last);
        }
        changed.add(last.start);
        return last;
    }

    private void expire(long now) {
        long oldest = now - Math.floorMod(now, MINUTE_MS) - (windowMinutes - 1) * MINUTE_MS;
        while (!minutes.isEmpty() && minutes.peekFirst().start < oldest) {
            changed.remove(minutes.removeFirst().start);
        }
    }
}
