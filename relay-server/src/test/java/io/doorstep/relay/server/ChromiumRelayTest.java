package io.doorstep.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.testsupport.HeadlessChromium;
import io.doorstep.testsupport.TestPages;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real WebRTC stack through our relay: headless Chromium opens two RTCPeerConnections in one page
 * (src/test/resources/webrtc/relay-call.html) with {@code iceTransportPolicy: 'relay'} and TURN REST API
 * credentials made from the relay's secret, so every packet between them crosses the relay twice. The caller sends
 * the fake camera's video and a data channel that the callee echoes. Each transport gets its own relay, so the
 * relay's counters belong to that one call, and are checked against what the browser says it sent.
 *
 * <p>Over {@code turns:} Chromium verifies the relay's certificate like a web site's: the self-signed test certificate
 * is refused (the candidate error is 701, "Failed to establish connection", and no candidate is gathered) unless the
 * browser trusts it, here by its key ({@link HeadlessChromium#start}). A deployment needs a certificate from a CA the
 * stations' browsers trust, for the name in the {@code turns:} URL.
 */
@ExtendWith(LeakCheck.class)
class ChromiumRelayTest {
    private static final Duration CALL_LIMIT = Duration.ofSeconds(30);
    private static final int MIN_FRAMES = 10;
    private static final int MESSAGES = 20;
    private static final int MESSAGE_BYTES = 1000;

    @TempDir
    static Path dir;

    private static HeadlessChromium chromium;
    private static TestPages pages;

    @BeforeAll
    static void startBrowser() throws URISyntaxException {
        HeadlessChromium.assumeInstalled();
        pages = TestPages.serve("/webrtc/");
        chromium = HeadlessChromium.start(dir.resolve("chromium"), Path.of(resource("/tls/relay-test.crt")));
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.close();
        }
        if (pages != null) {
            pages.close();
        }
    }

    /** How the browser reaches the relay. */
    enum Transport {
        UDP("turn", "udp", "udp"),
        TCP("turn", "tcp", "tcp"),
        TLS("turns", "tcp", "tls");

        final String scheme;
        final String transport;
        /** What getStats reports as the local relay candidate's relayProtocol. */
        final String relayProtocol;

        Transport(String scheme, String transport, String relayProtocol) {
            this.scheme = scheme;
            this.transport = transport;
            this.relayProtocol = relayProtocol;
        }

        String url(TestRelay relay) {
            int port = this == TLS ? relay.tlsAddress().getPort() : relay.address().getPort();
            return scheme + ":127.0.0.1:" + port + "?transport=" + transport;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    void aRelayedCallCarriesVideoAndData(Transport transport) throws Exception {
        Path work = Files.createTempDirectory(dir, transport.name());
        try (TestRelay relay = TestRelay.start(work, Map.of("DOORSTEP_TURN_TLS_PORT",
                TestRelay.FREE_TCP_PORT, "DOORSTEP_TURN_TLS_CERT", resource("/tls/relay-test.crt"),
                "DOORSTEP_TURN_TLS_KEY", resource("/tls/relay-test.key")))) {
            String[] credentials = TestRelay.restCredentials(System.currentTimeMillis() / 1000 + 600,
                    "call-" + transport.name().toLowerCase() + ":station");
            String url = transport.url(relay);

            Map<String, Object> call = call(url, credentials);

            assertThat(call.get("error")).as("the call failed; page log:%n%s", call.get("log")).isNull();
            Map<String, Object> caller = map(call, "caller");
            Map<String, Object> callee = map(call, "callee");
            assertRelayedPair(caller, transport, url, call.get("log"));
            assertRelayedPair(callee, transport, url, call.get("log"));
            assertThat(caller.get("remotePort")).as("the caller reaches the callee's relayed port")
                    .isEqualTo(callee.get("localPort"));
            assertThat(callee.get("remotePort")).as("the callee reaches the caller's relayed port")
                    .isEqualTo(caller.get("localPort"));
            assertThat(number(call, "echoed")).as("data channel round trips").isEqualTo(MESSAGES);
            Map<String, Object> video = map(call, "video");
            assertThat(number(video, "framesDecoded")).as("video frames decoded by the callee")
                    .isGreaterThanOrEqualTo(MIN_FRAMES);
            assertThat(number(video, "frameWidth")).as("decoded frame width").isEqualTo(320);
            assertRelayCarriedTheCall(relay, number(caller, "bytesSent") + number(callee, "bytesSent"));
        }
    }

    /** What getStats says of one side's selected pair: relayed at both ends, through this relay, this transport. */
    private static void assertRelayedPair(Map<String, Object> pair, Transport transport, String url, Object log) {
        assertThat(pair).as("selected candidate pair; page log:%n%s", log)
                .containsEntry("state", "succeeded")
                .containsEntry("localType", "relay")
                .containsEntry("remoteType", "relay")
                .containsEntry("relayProtocol", transport.relayProtocol)
                .containsEntry("url", url)
                .containsEntry("localAddress", "127.0.0.1")
                .containsEntry("remoteAddress", "127.0.0.1");
        assertThat(number(pair, "bytesSent")).as("bytes sent on the pair").isPositive();
    }

    /**
     * The relay's own account of the call: one allocation per peer connection, the REST credentials accepted, at
     * least every payload byte the browser sent on its pairs relayed both ways, and both allocations ended by the
     * browser when it closed the peer connections (Refresh with lifetime 0, or the TCP/TLS connection closing).
     */
    private static void assertRelayCarriedTheCall(TestRelay relay, long browserBytes) {
        assertThat(relay.counter("doorstep.relay.allocations.opened")).as("one allocation per peer connection")
                .isEqualTo(2);
        for (String refused : List.of("unknown_user", "expired_user", "bad_integrity", "wrong_credentials")) {
            assertThat(relay.counter("doorstep.relay.auth.failures", "reason", refused)).as(refused).isZero();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(relay.counter("doorstep.relay.bytes", "direction", "to_peer"))
                    .as("payload bytes relayed towards peers, against what both browsers sent on their pairs")
                    .isGreaterThanOrEqualTo(browserBytes);
            assertThat(relay.counter("doorstep.relay.bytes", "direction", "to_client"))
                    .as("payload bytes relayed to clients").isGreaterThanOrEqualTo(browserBytes);
        });
        assertThat(relay.counter("doorstep.relay.packets.by.framing", "framing", "channel_data"))
                .as("ChannelData (Chromium binds channels)").isPositive();
        // ICE checks can reach a relayed address a moment before its owner has permitted the sender: the only drops
        assertThat(relay.droppedTotal()).as("drops other than no_permission").isEqualTo(relay.dropped("no_permission"));
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.activeAllocations() == 0);
        assertThat(relay.counter("doorstep.relay.allocations.ended", "reason", "deleted")
                + relay.counter("doorstep.relay.allocations.ended", "reason", "closed"))
                .as("allocations deleted or closed by the browser").isEqualTo(2);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> from, String key) {
        assertThat(from.get(key)).as("%s in %s", key, from).isInstanceOf(Map.class);
        return (Map<String, Object>) from.get(key);
    }

    private static long number(Map<String, Object> from, String key) {
        assertThat(from.get(key)).as("%s in %s", key, from).isInstanceOf(Number.class);
        return ((Number) from.get(key)).longValue();
    }

    /** Runs relayCall (relay-call.html) in a freshly loaded page with one TURN server; returns what it resolved. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(String url, String[] credentials) {
        var driver = chromium.driver();
        driver.manage().timeouts().scriptTimeout(CALL_LIMIT.plusSeconds(10));
        driver.get(pages.page("relay-call.html").toString());
        Object result = driver.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "relayCall(arguments[0], arguments[1]).then(done, e => done({error: String(e), log: []}));",
                List.of(Map.of("urls", url, "username", credentials[0], "credential", credentials[1])),
                Map.of("timeoutMs", CALL_LIMIT.toMillis(), "minFrames", MIN_FRAMES, "messages", MESSAGES,
                        "messageBytes", MESSAGE_BYTES));
        return (Map<String, Object>) result;
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(ChromiumRelayTest.class.getResource(name).toURI()).toString();
    }
}
