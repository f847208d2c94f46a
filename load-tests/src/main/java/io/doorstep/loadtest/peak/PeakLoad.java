package io.doorstep.loadtest.peak;

import io.doorstep.loadtest.Credentials;
import io.doorstep.loadtest.calls.OfferMatcher;
import io.doorstep.loadtest.calls.Pacer;
import io.doorstep.loadtest.client.BenchConnection;
import io.doorstep.loadtest.client.Fleet;
import io.doorstep.loadtest.probe.CpuAccount;
import io.doorstep.protocol.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * A district's peak hour: every station calls as a Poisson process of its own (the district's arrivals are their
 * superposition, one Poisson process at the summed rate, each arrival going to a station picked at random), agents
 * answer and talk like people, and the run is sampled every interval for the charts.
 */
public final class PeakLoad implements AutoCloseable {
    private static final Duration SIGN_OUT_TIMEOUT = Duration.ofSeconds(10);

    /** The load: population, each station's calls per (real) hour, and how people behave. */
    public record Settings(int stations, int agents, double callsPerStationHour, HumanTimes times,
                           Map<String, Double> groupShares, Duration serviceLevel, long seed) {
        /** District-wide arrivals per second of the run (the hour compressed by the time scale). */
        public double arrivalsPerSecond() {
            return stations * callsPerStationHour * times.timeScale() / 3600;
        }
    }

    /** What every client of the load shares. */
    record Context(PeakStats stats, OfferMatcher offers, HumanTimes times, SkillMix mix, Fleet fleet,
                   Duration serviceLevel) {
    }

    /** One interval of the run (ending {@code endSeconds} after the start): its latencies, what happened in it. */
    public record Interval(double endSeconds, double seconds, Histogram offered, Histogram connected, long requested,
                           long completed, long abandoned, CpuAccount.Usage cpu) {
        /** Calls per second of the interval. */
        public double perSecond(long calls) {
            return seconds <= 0 ? 0 : calls / seconds;
        }
    }

    /** The whole run: totals over the intervals, counts and errors. */
    public record Result(List<Interval> intervals, Histogram offered, Histogram connected,
                         Map<String, Long> counts, Map<String, Long> errors, long incomplete) {
        public long count(String name) {
            return counts.getOrDefault(name, 0L);
        }
    }

    private final Fleet fleet;
    private final Credentials credentials;
    private final Settings settings;
    private final PeakStats stats = new PeakStats();
    private final SkillMix mix;
    private final Context context;
    private final SplittableRandom random;
    private final List<PeakStation> stations = new ArrayList<>();
    private final List<BenchConnection> agentConnections = new ArrayList<>();

    /** Calls requested and not yet ended. */
    public int inFlight() {
        return stats.inFlight();
    }

    public PeakLoad(Fleet fleet, Credentials credentials, Settings settings) {
        this.fleet = fleet;
        this.credentials = credentials;
        this.settings = settings;
        this.mix = new SkillMix(credentials.catalogue(), settings.groupShares());
        this.context = new Context(stats, new OfferMatcher(stats::offered), settings.times(), mix, fleet,
                settings.serviceLevel());
        this.random = new SplittableRandom(settings.seed());
    }

    public SkillMix mix() {
        return mix;
    }

    /** Signs in the agents and waits until every one is available, then the stations. */
    public void signIn(Duration timeout) throws InterruptedException, TimeoutException {
        List<PeakAgent> agents = new ArrayList<>();
        List<Fleet.Login> logins = new ArrayList<>();
        for (String id : credentials.agents(settings.agents())) {
            PeakAgent agent = new PeakAgent(context, random.nextLong());
            agents.add(agent);
            logins.add(new Fleet.Login(credentials.token(id, Role.AGENT), agent));
        }
        agentConnections.addAll(fleet.signIn(logins));
        Fleet.awaitAll(agents.stream().map(PeakAgent::available).toList(), timeout,
                "an agent could not become available");
        logins.clear();
        for (String id : credentials.stations(settings.stations())) {
            String token = credentials.token(id, Role.STATION);
            PeakStation station = new PeakStation(context, token, random.nextLong());
            stations.add(station);
            logins.add(new Fleet.Login(token, station));
        }
        List<BenchConnection> signedIn = fleet.signIn(logins);
        for (int i = 0; i < stations.size(); i++) {
            stations.get(i).attach(signedIn.get(i));
        }
    }

    /**
     * Arrivals for {@code duration}, sampled every {@code interval}; then waits (up to {@code drainTimeout}, still
     * sampling) for the calls in progress to end. {@code progress} hears of each interval as it ends.
     */
    public Result run(Duration duration, Duration interval, Duration drainTimeout, CpuAccount cpu,
                      Consumer<Interval> progress) throws InterruptedException {
        SplittableRandom arrivals = random.split();
        long start = System.nanoTime();
        CountDownLatch done = Pacer.poisson(fleet.timer(), settings.arrivalsPerSecond(), duration, arrivals.split(),
                due -> stations.get(arrivals.nextInt(stations.size())).arrive(due, mix.pick(arrivals)));
        long drainDeadline = start + duration.toNanos() + drainTimeout.toNanos();
        List<Interval> intervals = new ArrayList<>();
        long[] previous = new long[3];
        stats.interval();
        cpu.start();
        while (intervals.isEmpty() || done.getCount() > 0 || stats.inFlight() > 0) {
            if (System.nanoTime() >= drainDeadline) {
                break;
            }
            long sleep = Math.min(interval.toNanos(), drainDeadline - System.nanoTime());
            if (done.getCount() > 0) {
                done.await(sleep, TimeUnit.NANOSECONDS); // an interval ends early when the arrivals do
            } else {
                pollDrain(sleep);
            }
            intervals.add(sample(start, previous, cpu));
            progress.accept(intervals.get(intervals.size() - 1));
        }
        return result(intervals);
    }

    /** Sleeps up to {@code nanos}, in short steps, until no call is in progress. */
    private void pollDrain(long nanos) throws InterruptedException {
        long until = System.nanoTime() + nanos;
        while (stats.inFlight() > 0 && System.nanoTime() < until) {
            Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
    }

    private Interval sample(long start, long[] previous, CpuAccount cpu) {
        PeakStats.Histograms h = stats.interval();
        CpuAccount.Usage usage = cpu.usage();
        cpu.start();
        long[] now = {stats.total(PeakStats.Count.REQUESTED), stats.total(PeakStats.Count.COMPLETED),
                stats.total(PeakStats.Count.ABANDONED)};
        Interval out = new Interval((System.nanoTime() - start) / 1e9, usage.wall().toNanos() / 1e9, h.offered(),
                h.connected(),
                now[0] - previous[0], now[1] - previous[1], now[2] - previous[2], usage);
        System.arraycopy(now, 0, previous, 0, now.length);
        return out;
    }

    private Result result(List<Interval> intervals) {
        Histogram offered = new Histogram(3);
        Histogram connected = new Histogram(3);
        intervals.forEach(i -> {
            offered.add(i.offered());
            connected.add(i.connected());
        });
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (PeakStats.Count c : PeakStats.Count.values()) {
            counts.put(c.name().toLowerCase(java.util.Locale.ROOT), stats.total(c));
        }
        return new Result(intervals, offered, connected, counts, stats.errors(), stats.inFlight());
    }

    /** Signs everyone out, so the server ends their sessions at once. */
    @Override
    public void close() {
        List<BenchConnection> all = new ArrayList<>(agentConnections);
        stations.stream().map(PeakStation::connection).filter(c -> c != null).forEach(all::add);
        Fleet.signOut(all, SIGN_OUT_TIMEOUT);
    }
}
