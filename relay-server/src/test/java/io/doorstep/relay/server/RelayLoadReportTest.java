package io.doorstep.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.doorstep.documents.EventSignature;
import io.doorstep.relays.RelayLoad;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay reports itself and its load to the signalling server: signed, with live figures, and says goodbye. */
class RelayLoadReportTest {
    private static final String SECRET = "load-report-test-document-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private HttpServer signalling;
    private final List<RelayLoad> reports = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile int status = 202;

    @BeforeEach
    void startSignalling() throws IOException {
        EventSignature signature = new EventSignature(SECRET.getBytes(), Clock.systemUTC());
        signalling = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        signalling.createContext(RelayLoad.PATH, exchange -> take(exchange, signature));
        signalling.start();
    }

    private void take(HttpExchange exchange, EventSignature signature) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        boolean signed = signature.verify(exchange.getRequestHeaders().getFirst(EventSignature.TIMESTAMP_HEADER),
                exchange.getRequestHeaders().getFirst(EventSignature.SIGNATURE_HEADER), body);
        int answer = signed ? status : 401;
        if (answer == 202) {
            reports.add(JSON.readValue(body, RelayLoad.class));
        } else {
            refused.incrementAndGet();
        }
        exchange.sendResponseHeaders(answer, -1);
        exchange.close();
    }

    @AfterEach
    void stopSignalling() {
        signalling.stop(0);
    }

    private TestRelay relay(Map<String, String> more) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "DOORSTEP_FLEET_REPORT_URL", "http://127.0.0.1:" + signalling.getAddress().getPort() + RelayLoad.PATH,
                "DOORSTEP_FLEET_REPORT_INTERVAL", "1s",
                "DOORSTEP_DOCUMENTS_TOKEN_SECRET", SECRET,
                "DOORSTEP_QUOTAS_ALLOCATIONS_TOTAL", "40"));
        env.putAll(more);
        return TestRelay.start(dir, env);
    }

    @Test
    void reportsItsUrlsAndLiveAllocationsAndSaysWhenItLeaves() throws Exception {
        TestRelay relay = relay(Map.of("DOORSTEP_FLEET_REGION", "chuansha"));
        int port = relay.address().getPort();
        try (relay; TurnClient client = new TurnClient(StunClient.udp(relay.address()), TestRelay.ALICE,
                TestRelay.ALICE_PASSWORD)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !reports.isEmpty());
            RelayLoad first = reports.get(0);
            assertThat(first.valid()).isTrue();
            assertThat(first.relayId()).isEqualTo("relay-127.0.0.1-" + port);
            assertThat(first.region()).isEqualTo("chuansha");
            assertThat(first.turnUrls()).containsExactly("turn:127.0.0.1:" + port + "?transport=udp",
                    "turn:127.0.0.1:" + port + "?transport=tcp");
            assertThat(first.capacity()).isEqualTo(40);
            assertThat(first.intervalMillis()).isEqualTo(1000);
            assertThat(first.leaving()).isFalse();

            client.allocateOk();
            await().atMost(Duration.ofSeconds(5)).until(() -> last().allocations() == 1);
        }
        assertThat(last().leaving()).as("the last report, sent on close").isTrue();
        assertThat(reports).extracting(RelayLoad::sentAt).isSorted();
    }

    @Test
    void bitratesCountTheBytesRelayedInTheLastInterval() throws Exception {
        try (TestRelay relay = relay(Map.of());
             TurnClient client = new TurnClient(StunClient.udp(relay.address()), TestRelay.ALICE,
                     TestRelay.ALICE_PASSWORD);
             java.net.DatagramSocket peer = new java.net.DatagramSocket(0, TestRelay.LOOPBACK)) {
            client.allocateOk();
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
            client.createPermission(peerAddress);
            byte[] packet = new byte[1000];
            long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            for (int i = 0; i < 3000 && System.nanoTime() < until; i++) { // ~200 kbit/s for 1.5 s
                client.sendIndication(peerAddress, packet);
                Thread.sleep(40);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> reports.stream().anyMatch(r -> r.toPeerBitrate() > 0));
            RelayLoad busy = reports.stream().filter(r -> r.toPeerBitrate() > 0).findFirst().orElseThrow();
            assertThat(busy.toPeerBitrate()).as("1000 B every 40 ms = 200 kbit/s, measured over a 1 s window")
                    .isBetween(50_000L, 400_000L);
            assertThat(busy.toClientBitrate()).isZero();
        }
    }

    @Test
    void aSignallingServerThatRefusesReportsIsTriedAgainNextInterval() throws Exception {
        status = 503;
        try (TestRelay relay = relay(Map.of())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> refused.get() >= 2);
            status = 202;
            await().atMost(Duration.ofSeconds(5)).until(() -> !reports.isEmpty());
        }
    }

    @Test
    void reportsSignedWithAnotherSecretAreRefused() throws Exception {
        try (TestRelay relay = relay(Map.of("DOORSTEP_DOCUMENTS_TOKEN_SECRET",
                "another-document-secret-0123456789abcdefgh"))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> refused.get() >= 1);
            assertThat(reports).isEmpty();
        }
    }

    private RelayLoad last() {
        return reports.isEmpty() ? new RelayLoad("none", "", List.of(), -1, 0, 0, 0, 1, 1000, false)
                : reports.get(reports.size() - 1);
    }
}
