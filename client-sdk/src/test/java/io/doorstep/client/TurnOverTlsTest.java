package io.doorstep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.client.devices.Kit;
import io.doorstep.client.media.CallStats;
import io.doorstep.client.media.TestPatternFeed;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A station behind a firewall that lets only TLS out: the signalling server hands out the relay's {@code turns:} URL
 * alone, and both clients' media reach each other through the relay's TLS listener, whose certificate is a
 * self-signed development one (trusted with {@link ClientOptions#insecureTurnTls()}).
 */
class TurnOverTlsTest {
    private static DoorstepSystem system;

    @BeforeAll
    static void startSystem() throws Exception {
        system = DoorstepSystem.startWithTurnsOnly();
    }

    @AfterAll
    static void stopSystem() {
        system.close();
    }

    @Test
    void aRelayOnlyCallGoesThroughTheTurnsListener() throws Exception {
        Recorder s = new Recorder();
        Recorder a = new Recorder();
        try (TestPatternFeed stationCamera = new TestPatternFeed(320, 240, 15);
             TestPatternFeed agentCamera = new TestPatternFeed(320, 240, 15);
             StationClient station = StationClient.start(system.options(DoorstepSystem.STATION, Role.STATION)
                     .relayOnly(true).insecureTurnTls(true).build(), Kit.NONE, stationCamera, s);
             AgentClient agent = AgentClient.start(system.options(DoorstepSystem.AGENT, Role.AGENT)
                     .relayOnly(true).insecureTurnTls(true).build(), agentCamera, a)) {
            s.await(Recorder.SignedIn.class);
            a.await(ServerMessage.AgentStateChanged.class);
            agent.setState(AgentState.AVAILABLE).get(10, TimeUnit.SECONDS);
            station.requestCall("MR-001", false).get(10, TimeUnit.SECONDS);
            ServerMessage.CallConnected connected = agent.accept(a.await(ServerMessage.CallOffer.class).callId())
                    .get(10, TimeUnit.SECONDS);

            assertThat(connected.iceServers()).as("the signalling server hands out the turns: URL with credentials")
                    .singleElement().satisfies(server -> {
                        assertThat(server.urls()).singleElement().asString().startsWith("turns:127.0.0.1:");
                        assertThat(server.username()).endsWith(":" + connected.callId() + ":agent");
                        assertThat(server.credential()).isNotBlank();
                    });
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> overTls(station.stats()) && overTls(agent.stats()));
            station.hangUp().get(10, TimeUnit.SECONDS);
        }
    }

    private static boolean overTls(CallStats stats) {
        return CallEndToEndTest.flowing(stats) && "tls".equals(stats.relayProtocol());
    }
}
