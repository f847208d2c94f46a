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
 * arrivals, then waits for its calls to end, so phases do not bleed into each other.
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
            AgentClient agent = new AgentClient(stats, offers, settings.answerDelay().toNanos(),
                    settings.talkTime().toNanos());
            agents.add(agent);
            agentLogins.add(new Fleet.Login(credentials.token(id, Role.AGENT), agent));
        }
        connections.addAll(fleet.signIn(agentLogins));
        Fleet.awaitAll(agents.stream().map(AgentClient::available).toList(), timeout,
                "an agent could not become available");

        List<StationClient> stations = new ArrayList<>();
        List<Fleet.Login> stationLogins = new ArrayList<>();
        for (String id : credentials.stations(settings.stations())) {
            StationClient station = new StationClient(stats, offers, idle);
            stations.add(station);
            stationLogins.add(new Fleet.Login(credentials.token(id, Role.STATION), station));
        }
        List<BenchConnection> signedIn = fleet.signIn(stationLogins);
        connections.addAll(signedIn);
        for (int i = 0; i < stations.size(); i++) {
            stations.get(i).attach(signedIn.get(i));
        }
    }

    /** Places calls at {@code ratePerSecond} for {@code duration}, waits for them to end, and reports. */
    public CallReport run(double ratePerSecond, Duration duration) throws InterruptedException {
        stats.startPhase();
        Pacer.run(fleet.timer(), ratePerSecond, duration, this::arrive);
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        while (stats.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(DRAIN_POLL_MS);
        }
        return stats.report(ratePerSecond, duration);
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
