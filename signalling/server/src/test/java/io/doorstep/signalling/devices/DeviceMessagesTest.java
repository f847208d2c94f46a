package io.doorstep.signalling.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.Devices.Health;
import io.doorstep.protocol.Devices.Kind;
import io.doorstep.protocol.Devices.State;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kit messages over real WebSockets: a station's device health reaches the snapshot and the gauge and goes
 * when the station signs out; an agent's device request reaches the station and a decline comes back; each role may
 * send only its own; bad reports change nothing.
 */
class DeviceMessagesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Health> KIT = List.of(
            new Health(Kind.DOCUMENT_CAMERA, State.READY, "simulated", null),
            new Health(Kind.IDCARD_READER, State.READY, "simulated", null),
            new Health(Kind.BARCODE_SCANNER, State.NOT_READY, null, null),
            new Health(Kind.PRINTER, State.OUT_OF_PAPER, "folder", "media-empty"),
            new Health(Kind.CAMERA, State.ABSENT, null, null));

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("DOORSTEP_ROUTING_WRAP_UP", "0s"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aStationsKitIsVisibleToOperatorsUntilItSignsOut() throws Exception {
        try (WsClient station = server.signIn("st-test-05", Role.STATION)) {
            station.send(new ClientMessage.DeviceStatus("k1", KIT));
            assertThat(station.expect(ServerMessage.Ok.class).re()).isEqualTo("k1");

            JsonNode kit = stationInSnapshot("st-test-05");
            assertThat(kit.path("online").asBoolean()).isTrue();
            assertThat(kit.path("devices")).hasSize(5);
            assertThat(kit.path("devices").get(3).toString())
                    .isEqualTo("{\"device\":\"printer\",\"state\":\"out_of_paper\",\"model\":\"folder\","
                            + "\"detail\":\"media-empty\"}");
            assertThat(gauge("printer", "out_of_paper")).isEqualTo(1.0);
            assertThat(gauge("camera", "absent")).isEqualTo(1.0);

            // A new report replaces the old one: paper is back.
            station.send(new ClientMessage.DeviceStatus("k2", List.of(
                    new Health(Kind.PRINTER, State.READY, "folder", null))));
            station.expect(ServerMessage.Ok.class);
            assertThat(stationInSnapshot("st-test-05").path("devices")).hasSize(1);
            assertThat(gauge("printer", "out_of_paper")).isEqualTo(0.0);
            assertThat(gauge("printer", "ready")).isEqualTo(1.0);

            station.send(new ClientMessage.Bye("b1"));
            station.expect(ServerMessage.Ok.class);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge("printer", "ready") == 0.0);
        assertThat(stationInSnapshot("st-test-05").isMissingNode()).isTrue();
    }

    @Test
    void aStationSigningInAgainCountsOnlyItsNewKit() throws Exception {
        try (WsClient older = server.signIn("st-test-04", Role.STATION)) {
            older.send(new ClientMessage.DeviceStatus("k1", List.of(
                    new Health(Kind.BARCODE_SCANNER, State.ERROR, null, null))));
            older.expect(ServerMessage.Ok.class);
            assertThat(gauge("barcode-scanner", "error")).isEqualTo(1.0);
            try (WsClient newer = server.signIn("st-test-04", Role.STATION)) {
                older.await(ServerMessage.SessionReplaced.class);
                assertThat(gauge("barcode-scanner", "error")).isEqualTo(0.0);
                newer.send(new ClientMessage.DeviceStatus("k2", List.of(
                        new Health(Kind.BARCODE_SCANNER, State.READY, null, null))));
                newer.expect(ServerMessage.Ok.class);
                assertThat(gauge("barcode-scanner", "error")).isEqualTo(0.0);
                assertThat(gauge("barcode-scanner", "ready")).isEqualTo(1.0);
            }
        }
    }

    @Test
    void aBadReportIsRefusedAndChangesNothing() throws Exception {
        try (WsClient station = server.signIn("st-test-06", Role.STATION)) {
            station.send(new ClientMessage.DeviceStatus("k1", KIT.subList(0, 1)));
            station.expect(ServerMessage.Ok.class);
            station.sendRaw("{\"type\":\"device.status\",\"id\":\"k2\",\"devices\":[{\"device\":\"printer\","
                    + "\"state\":\"ready\"},{\"device\":\"printer\",\"state\":\"error\"}]}");
            assertThat(station.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.INVALID_FIELD);
            station.sendRaw("{\"type\":\"device.status\",\"id\":\"k3\",\"devices\":[{\"device\":\"fax\","
                    + "\"state\":\"ready\"}]}");
            assertThat(station.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.INVALID_FIELD);
            station.sendRaw("{\"type\":\"device.status\",\"id\":\"k4\",\"devices\":["
                    + "{\"device\":\"printer\",\"state\":\"ready\"},".repeat(Devices.MAX_DEVICES)
                    + "{\"device\":\"camera\",\"state\":\"ready\"}]}");
            assertThat(station.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.INVALID_FIELD);
            assertThat(stationInSnapshot("st-test-06").path("devices").toString())
                    .isEqualTo("[{\"device\":\"document-camera\",\"state\":\"ready\",\"model\":\"simulated\"}]");
        }
    }

    @Test
    void eachRoleSendsOnlyItsOwnDeviceMessages() {
        try (WsClient agent = server.signIn("ag-pe-01", Role.AGENT);
             WsClient station = server.signIn("st-test-04", Role.STATION)) {
            agent.send(new ClientMessage.DeviceStatus("k1", KIT));
            assertThat(agent.await(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
            station.send(new ClientMessage.DeviceRequest("q1", "c-none", "req-1", Kind.IDCARD_READER, null));
            assertThat(station.expect(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
            agent.send(new ClientMessage.DeviceDeclined("q2", "c-none", "req-1", "no"));
            assertThat(agent.await(ServerMessage.Error.class).code()).isEqualTo(ErrorCode.FORBIDDEN);
            agent.send(new ClientMessage.DeviceRequest("q3", "c-none", "req-1", Kind.IDCARD_READER, null));
            ServerMessage.Error notInCall = agent.await(ServerMessage.Error.class);
            assertThat(notInCall.code()).isEqualTo(ErrorCode.NOT_IN_CALL);
            assertThat(notInCall.callId()).isEqualTo("c-none");
        }
    }

    @Test
    void anAgentAsksForAScanAndTheStationDeclines() {
        try (WsClient agent = server.availableAgent("ag-mi-01");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            agent.send(new ClientMessage.DeviceRequest("q1", callId, "req-1", Kind.DOCUMENT_CAMERA,
                    "请扫描户口簿第2页"));
            assertThat(station.await(ServerMessage.DeviceRequest.class)).isEqualTo(new ServerMessage.DeviceRequest(
                    callId, "req-1", Kind.DOCUMENT_CAMERA, "请扫描户口簿第2页"));
            assertThat(agent.await(ServerMessage.Ok.class).re()).isEqualTo("q1");

            station.send(new ClientMessage.DeviceDeclined("d1", callId, "req-1", "the villager has no booklet"));
            assertThat(agent.await(ServerMessage.DeviceDeclined.class)).isEqualTo(
                    new ServerMessage.DeviceDeclined(callId, "req-1", "the villager has no booklet"));
            assertThat(station.await(ServerMessage.Ok.class).re()).isEqualTo("d1");
            agent.send(new ClientMessage.CallHangup("x", callId, null));
            station.await(ServerMessage.CallEnded.class);
        }
    }

    private static JsonNode stationInSnapshot(String id) throws Exception {
        for (JsonNode s : JSON.readTree(get("/api/snapshot")).path("stations")) {
            if (s.path("id").asText().equals(id)) {
                return s;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static double gauge(String device, String state) throws Exception {
        String series = "doorstep_station_devices{device=\"" + device + "\",state=\"" + state + "\"} ";
        return get("/metrics").lines().filter(l -> l.startsWith(series))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length()))).findFirst().orElse(-1);
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(server.httpUri(path))
                        .header("Authorization", "Bearer " + server.token("op-test-01", Role.OPERATOR)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }
}
