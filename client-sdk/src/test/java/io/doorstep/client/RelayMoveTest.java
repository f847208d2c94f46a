package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.client.devices.Kit;
import io.doorstep.client.media.TestPatternFeed;
import io.doorstep.protocol.Role;
import io.doorstep.relay.server.RelayApp;
import io.micrometer.core.instrument.Counter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two more relays report their load and the signalling server picks one per call (least loaded): a call with real
 * WebRTC media goes through the one picked; when that relay shuts down the call moves to the other (call.relay.moved,
 * ICE restart) and both sides keep decoding video.
 */
class RelayMoveTest {
    @Test
    void aCallWhoseRelayShutsDownMovesToTheOtherAndItsVideoGoesOn() throws Exception {
        Recorder s = new Recorder();
        Recorder a = new Recorder();
        try (DoorstepSystem system = DoorstepSystem.start(Map.of("DOORSTEP_MEDIA_RELAY_SELECTION", "least-loaded"));
             RelayApp second = system.reportingRelay("relay-b")) {
            RelayApp first = system.reportingRelay("relay-a"); // least loaded on a tie: the first by id
            try (first;
                 TestPatternFeed stationCamera = new TestPatternFeed(320, 240, 15);
                 TestPatternFeed agentCamera = new TestPatternFeed(320, 240, 15);
                 StationClient station = StationClient.start(system.options(DoorstepSystem.STATION, Role.STATION)
                         .build(), Kit.NONE, stationCamera, s);
                 AgentClient agent = AgentClient.start(system.options(DoorstepSystem.AGENT, Role.AGENT)
                         .relayOnly(true).build(), agentCamera, a)) {
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        system.metric("doorstep_relay_load_reports_total", "outcome=\"accepted\"") >= 2);
                DoorstepSystem.connectedCall(station, agent, a);
                await().atMost(Duration.ofSeconds(30)).until(() -> CallEndToEndTest.flowing(station.stats())
                        && CallEndToEndTest.flowing(agent.stats()));
                // each party allocates once per TURN URL it is given (UDP and TCP) that answers it
                assertThat(opened(first)).as("both parties allocated on relay-a").isBetween(2.0, 4.0);
                assertThat(opened(second)).isZero();

                first.close(); // it tells the signalling server it is leaving
                await().atMost(Duration.ofSeconds(30)).until(() -> opened(second) >= 2);
                long stationFrames = station.stats().framesDecoded();
                long agentFrames = agent.stats().framesDecoded();
                await().atMost(Duration.ofSeconds(30)).until(() -> station.stats().framesDecoded() > stationFrames + 15
                        && agent.stats().framesDecoded() > agentFrames + 15);
                assertThat(station.stats().relayedBothEnds()).isTrue();
                station.hangUp().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static double opened(RelayApp relay) {
        Counter c = relay.registry().find("doorstep.relay.allocations.opened").counter();
        return c == null ? 0 : c.count();
    }
}
