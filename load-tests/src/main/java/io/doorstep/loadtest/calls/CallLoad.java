package io.doorstep.loadtest.calls;

import io.doorstep.loadtest.Credentials;
import io.doorstep.loadtest.client.BenchConnection;
import io.doorstep.loadtest.client.Fleet;
import io.doorstep.protocol.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * Signed-in stations and agents that place calls at a fixed rate, one phase at a time: each phase paces its
 * arrivals, then waits for its calls to end, so phases do not bleed into each other. Against a cluster, stations are
 * spread over the nodes round robin and so are agents, each list on its own; the agent a call is offered to is
 * chosen by the server (longest idle in the call's skill group), so its node is independent of the station's, and
 * a call crosses nodes in (n-1)/n of cases: the case the cluster pays for, as a load balancer spreading connections
 * would make it.
 */
public final class CallLoad implements AutoCloseable {
    private static final Duration SIGN_OUT_TIMEOUT = Duration.ofSeconds(10);
    private static final long DRAIN_POLL_MS = 5;

    /** The population and how its agents behave. */
    public record Settings(int stations, int agents, Duration answerDelay, Duration talkTime,
                           Duration drainTimeout) {
    }

    private final Fleet fleet;
    private final Credentials credentials;
    private final Settings settings;
    private final List<String> serviceItems;
    private final CallStats stats = new CallStats();
    private final OfferMatcher offers = new OfferMatcher(stats::offered);
    private final IdlePool<StationClient> idle = new IdlePool<>();
    private final List<BenchConnection> connections = new ArrayList<>();

    public CallLoad(Fleet fleet, Credentials credentials, Settings settings) {
        this.fleet = fleet;
        this.credentials = credentials;
        this.settings = settings;
        this.serviceItems = credentials.serviceItems();
    }

    /** Signs in the agents and waits until every one is available, then signs in the stations. */
    public void signIn(Duration timeout) throws InterruptedException, TimeoutException {
        List<AgentClient> agents = new ArrayList<>();
        List<Fleet.Login> agentLogins = new ArrayList<>();
        for (String id : credentials.agents(settings.agents())) {
            int node = agents.size() % fleet.nodes();
            AgentClient agent = new AgentClient(stats, offers, settings.answerDelay().toNanos(),
                    settings.talkTime().toNanos(), node);
            agents.add(agent);
            agentLogins.add(new Fleet.Login(credentials.token(id, Role.AGENT), agent, null, node));
        }
        connections.addAll(fleet.signIn(agentLogins));
        Fleet.awaitAll(agents.stream().map(AgentClient::available).toList(), timeout,
                "an agent could not become available");

        List<StationClient> stations = new ArrayList<>();
        List<Fleet.Login> stationLogins = new ArrayList<>();
        for (String id : credentials.stations(settings.stations())) {
            int node = stations.size() % fleet.nodes();
            StationClient station = new StationClient(stats, offers, idle, node);
            stations.add(station);
            stationLogins.add(new Fleet.Login(credentials.token(id, Role.STATION), station, null, node));
        }
        List<BenchConnection> signedIn = fleet.signIn(stationLogins);
        connections.addAll(signedIn);
        for (int i = 0; i < stations.size(); i++) {
            stations.get(i).attach(signedIn.get(i));
        }
    }

    /** The share of calls so far (warm-up included) whose station and agent were on different nodes. */
    public double acrossNodesShare() {
        return offers.acrossNodesShare();
    }

    /** Places calls at {@code ratePerSecond} for {@code duration}, waits for them to end, and reports. */
    public CallReport run(double ratePerSecond, Duration duration) throws InterruptedException {
        stats.startPhase();
        Pacer.run(fleet.timer(), ratePerSecond, duration, this::arrive);
        awaitNoCalls(settings.drainTimeout());
        return stats.report(ratePerSecond, duration);
    }

    /** Waits at most {@code timeout} until no call is in progress; says whether none is. */
    public boolean awaitNoCalls(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (stats.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(DRAIN_POLL_MS);
        }
        return stats.inFlight() == 0;
    }

    /** One arrival: a random idle station calls about a random service item of the catalogue. */
    private void arrive(long dueNanos) {
        StationClient station = idle.takeRandom();
        if (station == null) {
            stats.error("arrival dropped: no idle station");
            return;
        }
        stats.requested();
        station.request(dueNanos, serviceItems.get(ThreadLocalRandom.current().nextInt(serviceItems.size())));
    }

    /** Signs everyone out, so the server ends their sessions at once. */
    @Override
    public void close() {
        Fleet.signOut(connections, SIGN_OUT_TIMEOUT);
    }
}
