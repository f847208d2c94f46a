package io.doorstep.signalling.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Dashboard;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operators' dashboard over a real server and real WebSockets: who may watch, what is pushed, and how often. */
class DashboardFeedTest {
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(Map.of("DOORSTEP_ROUTING_WRAP_UP", "0s"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aStationsKitFaultShowsUntilItIsReadyAgain() {
        try (WsClient operator = server.signIn("op-test-01", Role.OPERATOR);
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            operator.send(new ClientMessage.DashboardSubscribe("d1"));
            assertThat(operator.await(ServerMessage.DashboardSnapshot.class).live().kitFaults()).isEmpty();

            station.send(new ClientMessage.DeviceStatus(null, List.of(
                    new Devices.Health(Devices.Kind.PRINTER, Devices.State.OUT_OF_PAPER, "HP M404", null),
                    new Devices.Health(Devices.Kind.CAMERA, Devices.State.READY, null, null))));
            Dashboard.Live fault = awaitLive(operator, l -> !l.kitFaults().isEmpty());
            assertThat(fault.kitFaults()).containsExactly(
                    new Dashboard.KitFault("st-test-01", Devices.Kind.PRINTER, Devices.State.OUT_OF_PAPER));

            station.send(new ClientMessage.DeviceStatus(null, List.of(
                    new Devices.Health(Devices.Kind.PRINTER, Devices.State.READY, "HP M404", null))));
            assertThat(awaitLive(operator, l -> l.kitFaults().isEmpty()).kitFaults()).isEmpty();
        }
    }

    @Test
    void onlyOperatorsMaySubscribe() {
        for (var who : List.of(Map.entry("st-test-01", Role.STATION), Map.entry("ag-mi-01", Role.AGENT))) {
            try (WsClient client = server.signIn(who.getKey(), who.getValue())) {
                client.send(new ClientMessage.DashboardSubscribe("d1"));
                ServerMessage.Error error = client.await(ServerMessage.Error.class);
                assertThat(error.code()).isEqualTo(ErrorCode.FORBIDDEN);
                assertThat(error.re()).isEqualTo("d1");
                client.expectNothing(Duration.ofMillis(1500)); // and no dashboard follows
            }
        }
    }

    @Test
    void snapshotThenUpdatesFollowACallFromQueueToHangUp() {
        try (WsClient operator = server.signIn("op-test-01", Role.OPERATOR);
             WsClient agent = server.signIn("ag-mi-01", Role.AGENT);
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            operator.send(new ClientMessage.DashboardSubscribe("d1"));
            ServerMessage.DashboardSnapshot snapshot = operator.await(ServerMessage.DashboardSnapshot.class);
            assertThat(snapshot.re()).isEqualTo("d1");
            assertThat(snapshot.stations()).extracting(Dashboard.Station::id).hasSize(6).contains("st-test-01");
            assertThat(snapshot.live().stationsOnline()).containsExactly("st-test-01");
            assertThat(snapshot.live().agents()).singleElement().satisfies(a -> {
                assertThat(a.id()).isEqualTo("ag-mi-01");
                assertThat(a.state()).isEqualTo(AgentState.AWAY);
            });
            assertThat(snapshot.live().queues()).extracting(Dashboard.Queue::skillGroup).contains("medical-insurance");

            station.send(new ClientMessage.CallRequest(null, "MI-001", true));
            String callId = station.await(ServerMessage.CallQueued.class).callId();
            Dashboard.Live queued = awaitLive(operator, l -> !l.calls().isEmpty());
            assertThat(queued.calls()).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo(callId);
                assertThat(c.state()).isEqualTo("queued");
                assertThat(c.serviceItem().code()).isEqualTo("MI-001");
                assertThat(c.priority()).isTrue();
                assertThat(c.connectedAt()).isNull();
            });
            assertThat(group(queued, "medical-insurance").waiting()).isEqualTo(1);
            assertThat(group(queued, "medical-insurance").oldestSince()).isNotNull();

            agent.setAvailable();
            agent.send(new ClientMessage.CallAccept(null, agent.await(ServerMessage.CallOffer.class).callId()));
            Dashboard.Live connected = awaitLive(operator,
                    l -> l.calls().stream().anyMatch(c -> c.state().equals("connected")));
            assertThat(connected.calls().get(0).agentId()).isEqualTo("ag-mi-01");
            assertThat(connected.calls().get(0).connectedAt()).isNotNull();
            assertThat(connected.agents().get(0).state()).isEqualTo(AgentState.BUSY);
            assertThat(group(connected, "medical-insurance").waiting()).isZero();
            assertThat(connected.today().answered()).isEqualTo(1);
            assertThat(connected.today().answeredWithinTarget()).isEqualTo(1);
            assertThat(connected.today().serviceLevel()).isEqualTo(1.0);
            assertThat(connected.calls().get(0).quality()).as("no report yet").isNull();

            station.send(new ClientMessage.CallStats(null, callId, 120.0, 4.0, 3L, 0.01, 800.0, 750.0, 300L, "relay",
                    "udp"));
            agent.send(new ClientMessage.CallStats(null, callId, 95.0, 3.0, 9L, 0.04, 760.0, 790.0, 290L, "host",
                    null));
            Dashboard.Live reported = awaitLive(operator, l -> l.calls().get(0).quality() != null
                    && l.calls().get(0).quality().fractionLost() == 0.04);
            assertThat(reported.calls().get(0).quality()).as("the worse of the two parties' reports")
                    .isEqualTo(new Dashboard.Quality(120.0, 0.04, false));

            station.send(new ClientMessage.CallHangup(null, callId, null));
            Dashboard.Live ended = awaitLive(operator, l -> l.calls().isEmpty());
            assertThat(ended.agents().get(0).state()).isEqualTo(AgentState.AVAILABLE);
            assertThat(ended.today().requested()).isEqualTo(1);
        }
    }

    @Test
    void abandonedCallsCountAgainstTheServiceLevelAndFillTheHistory() {
        try (WsClient operator = server.signIn("op-test-01", Role.OPERATOR);
             WsClient station = server.signIn("st-test-02", Role.STATION)) {
            operator.send(new ClientMessage.DashboardSubscribe(null));
            assertThat(operator.await(ServerMessage.DashboardSnapshot.class).history()).isEmpty();
            station.send(new ClientMessage.CallRequest(null, "PE-001", false));
            String callId = station.await(ServerMessage.CallQueued.class).callId();
            station.send(new ClientMessage.CallCancel(null, callId));
            station.await(ServerMessage.CallEnded.class);

            Dashboard.Live live = awaitLive(operator, l -> l.today().abandoned() == 1);
            assertThat(live.today().serviceLevel()).isEqualTo(0.0);
            List<Dashboard.Minute> minutes = new ArrayList<>();
            operator.send(new ClientMessage.DashboardSubscribe(null)); // a fresh snapshot carries the whole history
            minutes.addAll(operator.await(ServerMessage.DashboardSnapshot.class).history());
            assertThat(minutes.stream().mapToInt(Dashboard.Minute::requested).sum()).isEqualTo(1);
            assertThat(minutes.stream().mapToInt(Dashboard.Minute::abandoned).sum()).isEqualTo(1);
            assertThat(minutes.stream().mapToInt(Dashboard.Minute::answered).sum()).isZero();
        }
    }

    @Test
    void updatesComeAtMostOnceASecondAndOnlyWhenSomethingChanged() {
        try (WsClient operator = server.signIn("op-test-01", Role.OPERATOR)) {
            operator.send(new ClientMessage.DashboardSubscribe(null));
            operator.await(ServerMessage.DashboardSnapshot.class);
            operator.drain(Duration.ofMillis(1500)); // the first tick may repeat the snapshot's view
            operator.expectNothing(Duration.ofMillis(2500)); // nothing changes: nothing is sent

            // a burst of changes: six stations sign in within a moment, one after another
            List<WsClient> stations = new ArrayList<>();
            List<Long> pushedAt = new ArrayList<>();
            try {
                for (int i = 1; i <= 6; i++) {
                    stations.add(server.signIn("st-test-0" + i, Role.STATION));
                    ServerMessage m = operator.poll(Duration.ofMillis(300));
                    if (m instanceof ServerMessage.DashboardUpdate u) {
                        pushedAt.add(u.serverTime());
                    }
                }
                Dashboard.Live all = awaitLive(operator, l -> l.stationsOnline().size() == 6, pushedAt);
                assertThat(all.stationsOnline()).hasSize(6);
                assertThat(pushedAt.size()).as("updates while six stations signed in").isLessThanOrEqualTo(4);
                for (int i = 1; i < pushedAt.size(); i++) {
                    assertThat(pushedAt.get(i) - pushedAt.get(i - 1)).as("time between updates, ms")
                            .isGreaterThanOrEqualTo(900);
                }
            } finally {
                stations.forEach(WsClient::close);
            }
        }
    }

    private static Dashboard.Queue group(Dashboard.Live live, String code) {
        return live.queues().stream().filter(q -> q.skillGroup().equals(code)).findFirst().orElseThrow();
    }

    static Dashboard.Live awaitLive(WsClient operator, Predicate<Dashboard.Live> matching) {
        return awaitLive(operator, matching, new ArrayList<>());
    }

    /** The first live view pushed that matches, within a few pushes; the times of the pushes go to {@code times}. */
    private static Dashboard.Live awaitLive(WsClient operator, Predicate<Dashboard.Live> matching, List<Long> times) {
        ServerMessage.DashboardUpdate u = operator.await(ServerMessage.DashboardUpdate.class, m -> {
            times.add(m.serverTime());
            return m.live() != null && matching.test(m.live());
        });
        return u.live();
    }
}
