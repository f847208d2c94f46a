package io.doorstep.signalling.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.documents.EventSignature;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Dashboard;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.relays.RelayLoad;
import io.doorstep.signalling.RelayEnvironment;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real relay reports its load to a real signalling server; operators see it on the dashboard until it leaves. */
class RelayLoadDashboardTest {
    private static final String SECRET = "relay-load-dashboard-secret-0123456789abcdef";

    @TempDir
    Path dir;

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(Map.of("DOORSTEP_DOCUMENTS_TOKEN_SECRET", SECRET));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aReportingRelayShowsOnTheDashboardUntilItLeaves() throws Exception {
        try (WsClient operator = server.signIn("op-test-01", Role.OPERATOR)) {
            operator.send(new ClientMessage.DashboardSubscribe("d1"));
            assertThat(operator.await(ServerMessage.DashboardSnapshot.class).live().relays()).isEmpty();

            try (RelayApp relay = RelayEnvironment.reportingRelay(server, dir, SECRET, "relay-chuansha-1", "川沙新镇")) {
                Dashboard.Live joined = DashboardFeedTest.awaitLive(operator, l -> !l.relays().isEmpty());
                assertThat(joined.relays()).containsExactly(
                        new Dashboard.Relay("relay-chuansha-1", "川沙新镇", 0, 5000, 0, 0));
            }
            assertThat(DashboardFeedTest.awaitLive(operator, l -> l.relays().isEmpty()).relays())
                    .as("gone at once: it said it was leaving").isEmpty();
        }
    }

    @Test
    void unsignedMalformedAndForeignReportsAreRefusedAndCounted() throws Exception {
        String valid = "{\"relayId\":\"r1\",\"region\":\"\",\"turnUrls\":[\"turn:127.0.0.1:3478\"],\"allocations\":1,"
                + "\"capacity\":10,\"toPeerBitrate\":0,\"toClientBitrate\":0,\"sentAt\":1,\"intervalMillis\":5000,"
                + "\"leaving\":false}";
        URI target = server.httpUri(RelayLoad.PATH);
        assertThat(post(target, null, valid).statusCode()).isEqualTo(401);
        assertThat(post(target, "another-secret-entirely-0123456789abcdefgh", valid).statusCode()).isEqualTo(401);
        assertThat(post(target, SECRET, valid.replace("\"r1\"", "\"r 1\"")).statusCode()).isEqualTo(400);
        assertThat(post(target, SECRET, valid.replace("turn:127", "http:127")).statusCode()).isEqualTo(400);
        assertThat(post(target, SECRET, valid.replace("\"allocations\":1", "\"allocations\":-1")).statusCode())
                .isEqualTo(400);
        assertThat(post(target, SECRET, "{not json").statusCode()).isEqualTo(400);
        assertThat(post(target, SECRET, valid).statusCode()).isEqualTo(202);
        String metrics = server.metrics();
        assertThat(metrics).contains("doorstep_relay_load_reports_total{outcome=\"unauthenticated\"} 2.0")
                .contains("doorstep_relay_load_reports_total{outcome=\"invalid\"} 4.0")
                .contains("doorstep_relay_load_reports_total{outcome=\"accepted\"} 1.0");
    }

    private static HttpResponse<String> post(URI target, String secret, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(target);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        if (secret != null) {
            EventSignature signature = new EventSignature(secret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
            String ts = signature.timestamp();
            request.header(EventSignature.TIMESTAMP_HEADER, ts)
                    .header(EventSignature.SIGNATURE_HEADER, signature.sign(ts, body));
        }
        return HttpClient.newHttpClient().send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
