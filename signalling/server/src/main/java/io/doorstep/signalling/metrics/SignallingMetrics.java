package io.doorstep.signalling.metrics;

import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;

/**
 * Every signalling metric, declared in this one place. Labels are bounded: skill groups come from the catalogue,
 * states, reasons, roles and error codes from enums, message types from the protocol.
 *
 * <p>Counters and timers are thread-safe; the gauges read values the switchboard thread sets, so a scrape never
 * touches call-path state.
 */
public final class SignallingMetrics {
    private static final Duration[] WAIT_SLO = {Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
            Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(30)};
    private static final Duration[] ANSWER_SLO = {Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30)};
    private static final Duration[] TALK_SLO = {Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
            Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(20), Duration.ofMinutes(30),
            Duration.ofMinutes(60)};

    private static final Duration[] RTT_SLO = {Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(150), Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofMillis(400),
            Duration.ofMillis(600), Duration.ofSeconds(1), Duration.ofSeconds(2)};
    private static final Duration[] JITTER_SLO = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
            Duration.ofMillis(30), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200)};
    /** Whole percent: Micrometer's fixed-boundary histograms round a value up to an integer before bucketing it. */
    private static final double[] LOSS_SLO = {1, 2, 3, 5, 10, 20, 50};
    /** Bytes per second: 64 kbit/s to 4 Mbit/s. */
    private static final double[] BITRATE_SLO = {8_000, 16_000, 32_000, 64_000, 125_000, 250_000, 500_000};
    /** Candidate types of call quality reports: WebRTC's four, and unknown before a pair is selected. */
    public static final List<String> CANDIDATE_TYPES = List.of("host", "srflx", "prflx", "relay", "unknown");

    private final MeterRegistry registry;
    private final Clock clock;
    private final ZoneId zone;
    private final Duration serviceLevelTarget;
    private final Map<String, GroupGauges> groups = new ConcurrentHashMap<>();
    private final Map<AgentState, AtomicLong> agentsByState = new EnumMap<>(AgentState.class);
    private final Map<Role, AtomicLong> sessionsByRole = new EnumMap<>(Role.class);
    private final AtomicLong callsInProgress = new AtomicLong();
    private final Map<Devices.Kind, Map<Devices.State, AtomicLong>> stationDevices = new EnumMap<>(Devices.Kind.class);
    private final Map<String, Counter> messagesIn = new ConcurrentHashMap<>();
    private final Counter messagesOut;
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<EndReason, Counter> ended = new EnumMap<>(EndReason.class);
    private final Map<String, Counter> offersDeclined = new ConcurrentHashMap<>();
    /** Outcomes of the relay's signed posts (document events, load reports). */
    public static final String ACCEPTED = "accepted", UNAUTHENTICATED = "unauthenticated", INVALID = "invalid";
    private static final List<String> POST_OUTCOMES = List.of(ACCEPTED, UNAUTHENTICATED, INVALID);
    private final Map<String, Counter> documentEvents = new HashMap<>();
    private final Map<String, Counter> relayLoadReports = new HashMap<>();
    private final Map<String, CallQualityMeters> quality = new HashMap<>();
    private final Timer talkTime;
    private final Timer callLogAppend;
    private final Timer switchboardWait;
    private final Map<String, Timer> switchboardWork = new ConcurrentHashMap<>();

    public SignallingMetrics(MeterRegistry registry, Collection<String> skillGroups, Duration serviceLevelTarget,
                             Clock clock, ZoneId zone) {
        this.registry = registry;
        this.clock = clock;
        this.zone = zone;
        this.serviceLevelTarget = serviceLevelTarget;
        skillGroups.forEach(g -> groups.put(g, new GroupGauges(g)));
        for (AgentState s : AgentState.values()) {
            AtomicLong v = new AtomicLong();
            agentsByState.put(s, v);
            Gauge.builder("doorstep.agents", v, AtomicLong::get).description("Signed-in agents by state")
                    .tag("state", s.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        for (Role r : Role.values()) {
            AtomicLong v = new AtomicLong();
            sessionsByRole.put(r, v);
            Gauge.builder("doorstep.sessions", v, AtomicLong::get)
                    .description("Open sessions (connected or within the resume grace period) by role")
                    .tag("role", r.wireName()).register(registry);
        }
        for (Devices.Kind k : Devices.Kind.values()) {
            Map<Devices.State, AtomicLong> byState = new EnumMap<>(Devices.State.class);
            stationDevices.put(k, byState);
            for (Devices.State st : Devices.State.values()) {
                AtomicLong v = new AtomicLong();
                byState.put(st, v);
                Gauge.builder("doorstep.station.devices", v, AtomicLong::get)
                        .description("Devices of signed-in stations' kits, by device and state as last reported")
                        .tag("device", k.wireName()).tag("state", st.wireName()).register(registry);
            }
        }
        Gauge.builder("doorstep.calls.in.progress", callsInProgress, AtomicLong::get)
                .description("Calls queued, ringing or connected").register(registry);
        messagesOut = Counter.builder("doorstep.messages.sent").description("Messages sent to clients")
                .register(registry);
        for (ErrorCode c : ErrorCode.values()) {
            errors.put(c, Counter.builder("doorstep.errors").description("Error replies by code")
                    .tag("code", c.name()).register(registry));
        }
        for (EndReason r : EndReason.values()) {
            ended.put(r, Counter.builder("doorstep.calls.ended").description("Calls ended, by reason")
                    .tag("reason", r.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        talkTime = Timer.builder("doorstep.call.duration").description("Talk time of connected calls")
                .serviceLevelObjectives(TALK_SLO).register(registry);
        switchboardWait = switchboardTimer("doorstep.switchboard.wait",
                "Time a client message waits for the switchboard thread, from the I/O thread handing it over")
                .register(registry);
        for (String outcome : POST_OUTCOMES) {
            documentEvents.put(outcome, Counter.builder("doorstep.document.events")
                    .description("Document event posts from the relay, by outcome")
                    .tag("outcome", outcome).register(registry));
            relayLoadReports.put(outcome, Counter.builder("doorstep.relay.load.reports")
                    .description("Load reports from relays, by outcome")
                    .tag("outcome", outcome).register(registry));
        }
        for (Role r : List.of(Role.STATION, Role.AGENT)) {
            for (String type : CANDIDATE_TYPES) {
                quality.put(r.wireName() + "/" + type, new CallQualityMeters(r.wireName(), type));
            }
        }
        callLogAppend = Timer.builder("doorstep.call.log.append")
                .description("Time to append one record to the call log (write, and fsync when configured)")
                .serviceLevelObjectives(Duration.ofNanos(10_000), Duration.ofNanos(50_000),
                        Duration.ofNanos(100_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
                        Duration.ofMillis(5), Duration.ofMillis(20))
                .register(registry);
    }

    /**
     * Call quality as the parties report it (call.stats), by role and by this party's candidate type: two roles and
     * five types, whatever the number of calls and stations.
     */
    private final class CallQualityMeters {
        final Counter reports;
        final Counter stalled;
        final Timer rtt;
        final Timer jitter;
        final DistributionSummary loss;
        final DistributionSummary bitrateIn;
        final DistributionSummary bitrateOut;

        CallQualityMeters(String role, String candidateType) {
            reports = Counter.builder("doorstep.call.quality.reports")
                    .description("Call quality reports accepted from clients (call.stats)")
                    .tag("role", role).tag("candidate_type", candidateType).register(registry);
            stalled = Counter.builder("doorstep.call.video.stalled")
                    .description("Quality reports in which no video frame was decoded since the party's previous one")
                    .tag("role", role).tag("candidate_type", candidateType).register(registry);
            rtt = Timer.builder("doorstep.call.rtt").description("Round-trip time of calls' media, as reported")
                    .tag("role", role).tag("candidate_type", candidateType).serviceLevelObjectives(RTT_SLO)
                    .register(registry);
            jitter = Timer.builder("doorstep.call.jitter").description("Jitter of received media, as reported")
                    .tag("role", role).tag("candidate_type", candidateType).serviceLevelObjectives(JITTER_SLO)
                    .register(registry);
            loss = DistributionSummary.builder("doorstep.call.loss")
                    .description("Received media packets lost in a report's interval, in percent").baseUnit("percent")
                    .tag("role", role).tag("candidate_type", candidateType).serviceLevelObjectives(LOSS_SLO)
                    .register(registry);
            bitrateIn = bitrate(role, candidateType, "in");
            bitrateOut = bitrate(role, candidateType, "out");
        }

        private DistributionSummary bitrate(String role, String candidateType, String direction) {
            return DistributionSummary.builder("doorstep.call.bitrate")
                    .description("Media bitrate of a party in a report's interval, received (in) or sent (out)")
                    .baseUnit("bytes_per_second").tag("role", role).tag("candidate_type", candidateType)
                    .tag("direction", direction).serviceLevelObjectives(BITRATE_SLO).register(registry);
        }
    }

    /**
     * One accepted call.stats report. {@code candidateType} is one of {@link #CANDIDATE_TYPES} (null: unknown);
     * absent measurements are not recorded; {@code stalled} when the party decoded no frame since its last report.
     */
    public void callQuality(Role role, String candidateType, ClientMessage.CallStats m, boolean stalled) {
        CallQualityMeters q = quality.get(role.wireName() + "/" + (candidateType == null ? "unknown" : candidateType));
        if (q == null) {
            return; // an operator's report: not a party's (the switchboard does not let one through)
        }
        q.reports.increment();
        if (stalled) {
            q.stalled.increment();
        }
        if (m.rttMs() != null) {
            q.rtt.record(Math.round(m.rttMs() * 1000), TimeUnit.MICROSECONDS);
        }
        if (m.jitterMs() != null) {
            q.jitter.record(Math.round(m.jitterMs() * 1000), TimeUnit.MICROSECONDS);
        }
        if (m.fractionLost() != null) {
            q.loss.record(m.fractionLost() * 100);
        }
        if (m.bitrateInKbps() != null) {
            q.bitrateIn.record(m.bitrateInKbps() * 125);
        }
        if (m.bitrateOutKbps() != null) {
            q.bitrateOut.record(m.bitrateOutKbps() * 125);
        }
    }

    /** The per-skill-group meters. */
    private final class GroupGauges {
        final AtomicLong length = new AtomicLong();
        /** Epoch ms at which the oldest waiting call arrived; 0 when the queue is empty. */
        final AtomicLong oldestSince = new AtomicLong();
        final Timer wait;
        final Timer answer;
        final Counter withinTarget;
        final Counter beyondTarget;
        final Counter abandoned;
        LocalDate day;
        long dayWithin;
        long dayTotal;

        GroupGauges(String group) {
            Gauge.builder("doorstep.queue.length", length, AtomicLong::get)
                    .description("Calls waiting (including ringing) per skill group")
                    .tag("skill_group", group).register(registry);
            Gauge.builder("doorstep.queue.oldest.wait", oldestSince,
                            v -> v.get() == 0 ? 0 : (clock.millis() - v.get()) / 1000.0)
                    .description("Wait so far of the oldest call in the queue").baseUnit("seconds")
                    .tag("skill_group", group).register(registry);
            wait = Timer.builder("doorstep.call.wait").description("Queue wait from request to answer")
                    .tag("skill_group", group).serviceLevelObjectives(WAIT_SLO).register(registry);
            answer = Timer.builder("doorstep.call.answer")
                    .description("Time to answer: from the offer ringing to the agent accepting")
                    .tag("skill_group", group).serviceLevelObjectives(ANSWER_SLO).register(registry);
            withinTarget = Counter.builder("doorstep.calls.answered")
                    .description("Answered calls, by whether the wait was within the service level target")
                    .tag("skill_group", group).tag("within_target", "true").register(registry);
            beyondTarget = Counter.builder("doorstep.calls.answered")
                    .description("Answered calls, by whether the wait was within the service level target")
                    .tag("skill_group", group).tag("within_target", "false").register(registry);
            abandoned = Counter.builder("doorstep.calls.abandoned")
                    .description("Calls abandoned or cancelled before an answer")
                    .tag("skill_group", group).register(registry);
            Gauge.builder("doorstep.service.level", this, GroupGauges::serviceLevelToday)
                    .description("Today's share of calls answered within the target, of answered plus abandoned")
                    .baseUnit("ratio").tag("skill_group", group).register(registry);
        }

        synchronized void count(boolean within) {
            rollDay();
            dayTotal++;
            if (within) {
                dayWithin++;
            }
        }

        synchronized double serviceLevelToday() {
            rollDay();
            return dayTotal == 0 ? 1.0 : (double) dayWithin / dayTotal;
        }

        private void rollDay() {
            LocalDate today = LocalDate.now(clock.withZone(zone));
            if (!today.equals(day)) {
                day = today;
                dayWithin = 0;
                dayTotal = 0;
            }
        }
    }

    private GroupGauges group(String skillGroup) {
        return groups.computeIfAbsent(skillGroup, GroupGauges::new);
    }

    public void queue(String skillGroup, int length, long oldestSince) {
        GroupGauges g = group(skillGroup);
        g.length.set(length);
        g.oldestSince.set(oldestSince);
    }

    public void answered(String skillGroup, long waitMs, long answerMs) {
        GroupGauges g = group(skillGroup);
        g.wait.record(waitMs, TimeUnit.MILLISECONDS);
        g.answer.record(answerMs, TimeUnit.MILLISECONDS);
        boolean within = waitMs <= serviceLevelTarget.toMillis();
        (within ? g.withinTarget : g.beyondTarget).increment();
        g.count(within);
    }

    public void ended(String skillGroup, EndReason reason, long talkMs) {
        ended.get(reason).increment();
        if (reason == EndReason.ABANDONED || reason == EndReason.CANCELLED) {
            GroupGauges g = group(skillGroup);
            g.abandoned.increment();
            g.count(false);
        }
        if (talkMs >= 0) {
            talkTime.record(talkMs, TimeUnit.MILLISECONDS);
        }
    }

    /** An offer was not answered: {@code cause} is reject, ring_timeout or offer_lost. */
    public void offerDeclined(String cause) {
        offersDeclined.computeIfAbsent(cause, c -> Counter.builder("doorstep.offers.declined")
                .description("Offers that went unanswered, by cause").tag("cause", c).register(registry)).increment();
    }

    public void agents(ToIntFunction<AgentState> count) {
        agentsByState.forEach((s, v) -> v.set(count.applyAsInt(s)));
    }

    public void sessions(ToIntFunction<Role> count) {
        sessionsByRole.forEach((r, v) -> v.set(count.applyAsInt(r)));
    }

    /** A station's kit changed (a new report, or its session ended): the device gauges follow. */
    public void stationKitChanged(List<Devices.Health> before, List<Devices.Health> after) {
        before.forEach(h -> stationDevices.get(h.device()).get(h.state()).decrementAndGet());
        after.forEach(h -> stationDevices.get(h.device()).get(h.state()).incrementAndGet());
    }

    /** In a cluster: 1 while this node reaches Redis, 0 while it does not (docs/cluster.md §9). */
    public void clusterRedisUp(BooleanSupplier up) {
        Gauge.builder("doorstep.cluster.redis.up", up, u -> u.getAsBoolean() ? 1 : 0)
                .description("1 while this node reaches Redis, 0 while it does not (cluster mode only)")
                .strongReference(true) // the supplier is a lambda: held by nothing else
                .register(registry);
    }

    public void callsInProgress(long n) {
        callsInProgress.set(n);
    }

    /** A message received; {@code type} is a protocol type name or "invalid". */
    public void messageIn(String type) {
        messagesIn.computeIfAbsent(type, t -> Counter.builder("doorstep.messages.received")
                .description("Messages received from clients, by type").tag("type", t).register(registry)).increment();
    }

    public void messageOut() {
        messagesOut.increment();
    }

    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    /**
     * One client message through the switchboard: how long it waited for the thread, and how long it took, by its
     * protocol type (a fixed set).
     */
    public void switchboard(String type, long waitNanos, long workNanos) {
        switchboardWait.record(waitNanos, TimeUnit.NANOSECONDS);
        switchboardWork.computeIfAbsent(type, t -> switchboardTimer("doorstep.switchboard.work",
                        "Time the switchboard thread takes to apply a client message, replies and call log included")
                .tag("type", t).register(registry)).record(workNanos, TimeUnit.NANOSECONDS);
    }

    private static Timer.Builder switchboardTimer(String name, String description) {
        return Timer.builder(name).description(description)
                .serviceLevelObjectives(Duration.ofNanos(50_000), Duration.ofNanos(100_000),
                        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
                        Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(100));
    }

    /** A document event post from the relay: accepted, unauthenticated or invalid. Any thread. */
    public void documentEventPost(String outcome) {
        documentEvents.get(outcome).increment();
    }

    /** A load report from a relay: accepted, unauthenticated or invalid. Any thread. */
    public void relayLoadReport(String outcome) {
        relayLoadReports.get(outcome).increment();
    }

    public void callLogAppend(long nanos) {
        callLogAppend.record(nanos, TimeUnit.NANOSECONDS);
    }
}
