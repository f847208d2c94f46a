package io.doorstep.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.protocol.Devices.Barcode;
import io.doorstep.protocol.Devices.IdCard;
import io.doorstep.protocol.Media.IceCandidate;
import io.doorstep.protocol.Media.IceServer;
import io.doorstep.protocol.Media.SessionDescription;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProtocolCodecTest {
    private static final ProtocolCodec CODEC = new ProtocolCodec();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final IdCard CARD = new IdCard("张三", "310115195001011234", "男", "汉", "1950-01-01",
            "上海市浦东新区川沙新镇", "浦东分局", "2015-01-01", "长期", "aGVsbG8=");
    private static final ServerMessage.ServiceItemInfo ITEM = new ServerMessage.ServiceItemInfo("MI-001",
            "城乡居民基本医疗保险参保登记", "Enrolment", "medical-insurance");

    /** One instance of every client message type, with every field set. */
    static List<ClientMessage> clientMessages() {
        return List.of(
                new ClientMessage.Hello("h1", "eyJhbGciOiJIUzI1NiJ9.e30.sig", new ClientMessage.Resume("s-1", 42)),
                new ClientMessage.Ping("p1", 7),
                new ClientMessage.Bye("b1"),
                new ClientMessage.CallRequest("r1", "MI-001", true),
                new ClientMessage.CallCancel("c1", "c-abc"),
                new ClientMessage.CallAccept("a1", "c-abc"),
                new ClientMessage.CallReject("j1", "c-abc", "busy with paperwork"),
                new ClientMessage.CallHangup("x1", "c-abc", ClientMessage.CallHangup.MEDIA_FAILED),
                new ClientMessage.SetAgentState("st1", AgentState.AWAY),
                new ClientMessage.Sdp("sd1", "c-abc", new SessionDescription("offer", "v=0\r\no=- 1 2 IN IP4 0.0.0.0")),
                new ClientMessage.Ice("i1", "c-abc", new IceCandidate("candidate:1 1 udp 1 10.0.0.1 5000 typ host",
                        "0", 0, "ufrag")),
                new ClientMessage.IdCardRead("d1", "c-abc", CARD),
                new ClientMessage.BarcodeScan("d2", "c-abc", new Barcode("MRB-2026-000123", "qr")),
                new ClientMessage.DocumentsToken("t1", "c-abc"),
                new ClientMessage.PrintRequest("d3", "c-abc", "job-1", "Xq3vT0aLkP9sYw2bE7rN1uHc", 2),
                new ClientMessage.PrintResult("d4", "c-abc", "job-1", PrintStatus.FAILED, "paper jam"),
                new ClientMessage.DeviceStatus("k1", List.of(
                        new Devices.Health(Devices.Kind.DOCUMENT_CAMERA, Devices.State.READY, "simulated", null),
                        new Devices.Health(Devices.Kind.PRINTER, Devices.State.OUT_OF_PAPER, "HP", "media-empty"))),
                new ClientMessage.DeviceRequest("q1", "c-abc", "req-1", Devices.Kind.DOCUMENT_CAMERA,
                        "请扫描身份证背面"),
                new ClientMessage.DeviceDeclined("q2", "c-abc", "req-1", "no card in the reader"),
                new ClientMessage.CallStats("q1", "c-abc", 42.5, 3.25, 17L, 0.01, 812.0, 790.5, 1234L, "relay",
                        "udp"),
                new ClientMessage.DashboardSubscribe("ds1"));
    }

    /** One instance of every server message type, with every field set. */
    static List<ServerMessage> serverMessages() {
        List<IceServer> ice = List.of(new IceServer(List.of("stun:127.0.0.1:3478"), null, null),
                new IceServer(List.of("turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"),
                        "1700000000:c-abc:station", "c3VwZXI="));
        return List.of(
                new ServerMessage.Welcome("h1", "s-1", new ServerMessage.Identity("st-1", "一村", Role.STATION),
                        new ServerMessage.Heartbeat(10_000, 30_000), 60_000, true, "REPLAY_UNAVAILABLE", 17,
                        new ServerMessage.Limits(65536, 16384, 50, 200), 1_700_000_000_000L),
                new ServerMessage.Pong("p1", 1_700_000_000_001L),
                new ServerMessage.Ok("o1"),
                new ServerMessage.Error("e1", ErrorCode.NOT_IN_CALL, "no such call of yours", "c-abc"),
                new ServerMessage.CallQueued("r1", "c-abc", ITEM, true, 3, 125, true),
                new ServerMessage.CallOffer("c-abc", new ServerMessage.StationInfo("st-1", "一村站", "川沙新镇", "一村"),
                        ITEM, true, 12_000, 20_000),
                new ServerMessage.OfferWithdrawn("c-abc", "RING_TIMEOUT"),
                new ServerMessage.CallConnected("a1", "c-abc", new ServerMessage.Peer("ag-1", "王敏", Role.AGENT),
                        ITEM, true, ice, "relay"),
                new ServerMessage.CallEnded("x1", "c-abc", EndReason.REJECTED_BY_ALL, "ALL_REJECTED", Role.AGENT),
                new ServerMessage.PeerReconnecting("c-abc", 60_000),
                new ServerMessage.PeerReconnected("c-abc"),
                new ServerMessage.CallRelayMoved("c-abc", List.of(new IceServer(
                        List.of("turn:198.51.100.9:3478?transport=udp"), "1700003600:c-abc:station", "cGFzcw=="))),
                new ServerMessage.AgentStateChanged("st1", AgentState.WRAP_UP, "CALL_ENDED", 1_700_000_030_000L),
                new ServerMessage.Sdp("c-abc", new SessionDescription("answer", "v=0")),
                new ServerMessage.Ice("c-abc", new IceCandidate("", null, 0, null)),
                new ServerMessage.IdCardRead("c-abc", CARD),
                new ServerMessage.BarcodeScan("c-abc", new Barcode("12345", null)),
                new ServerMessage.DocumentsAccess("t1", "c-abc", "http://127.0.0.1:8642/files/", "eyJ.e30.sig",
                        1_700_000_000_000L),
                new ServerMessage.DocumentOffered("c-abc", "Xq3vT0aLkP9sYw2bE7rN1uHc", "户口簿.jpg", "image/jpeg", 2,
                        "document-camera", Role.STATION, 1_048_576),
                new ServerMessage.DocumentProgress("c-abc", "Xq3vT0aLkP9sYw2bE7rN1uHc", 65_536, 1_048_576),
                new ServerMessage.DocumentCompleted("c-abc", "Xq3vT0aLkP9sYw2bE7rN1uHc", "image/jpeg", 1_048_576,
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
                new ServerMessage.DocumentAbandoned("c-abc", "Xq3vT0aLkP9sYw2bE7rN1uHc", "terminated"),
                new ServerMessage.DocumentDeleted("c-abc", "Xq3vT0aLkP9sYw2bE7rN1uHc", "retention"),
                new ServerMessage.PrintJob("c-abc", "job-1", "Xq3vT0aLkP9sYw2bE7rN1uHc", 1, "application/pdf", 2048,
                        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
                new ServerMessage.PrintResult("c-abc", "job-1", "Xq3vT0aLkP9sYw2bE7rN1uHc", PrintStatus.PRINTED,
                        null),
                new ServerMessage.SessionReplaced("signed in on another connection"),
                new ServerMessage.ServerShutdown(ServerMessage.ServerShutdown.FINISH_CALL, 5_000,
                        1_700_000_300_000L),
                new ServerMessage.DeviceRequest("c-abc", "req-1", Devices.Kind.IDCARD_READER, "read the card"),
                new ServerMessage.DeviceDeclined("c-abc", "req-1", "staff declined"),
                new ServerMessage.DashboardSnapshot("ds1", 1_700_000_000_000L,
                        List.of(new Dashboard.Station("st-1", "连民村家门口服务站", "川沙新镇", "连民村")),
                        List.of(MINUTE), LIVE),
                new ServerMessage.DashboardUpdate(1_700_000_001_000L, List.of(MINUTE), LIVE));
    }

    private static final Dashboard.Minute MINUTE = new Dashboard.Minute(1_699_999_980_000L, 3, 2, 1, 95_000, 60_000);
    private static final Dashboard.Live LIVE = new Dashboard.Live(
            List.of(new Dashboard.Queue("medical-insurance", "医疗保险", "Medical insurance", 2, 1,
                    1_699_999_900_000L, 0, 3)),
            List.of(new Dashboard.Agent("ag-1", AgentState.BUSY, true, 1_699_999_950_000L,
                    List.of("medical-insurance"), "c-abc")),
            List.of(new Dashboard.Call("c-abc", "connected", "st-1", ITEM, true, 1_699_999_900_000L,
                    1_699_999_950_000L, "ag-1", new Dashboard.Quality(42.0, 0.01, false))),
            new Dashboard.Today("2023-11-14", 10, 8, 7, 1, 7 / 9.0, 60),
            List.of("st-1"), List.of(new Dashboard.KitFault("st-1", Devices.Kind.PRINTER, Devices.State.OUT_OF_PAPER)),
            List.of(new Dashboard.Relay("relay-1", "chuansha", 12, 5000, 4_000_000, 3_900_000)), false);

    private static Set<Class<?>> subtypes(Class<?> base) {
        return Arrays.stream(base.getAnnotation(JsonSubTypes.class).value()).map(JsonSubTypes.Type::value)
                .collect(Collectors.toSet());
    }

    @Test
    void theRoundTripsCoverEveryMessageType() {
        assertThat(clientMessages().stream().map(Object::getClass).collect(Collectors.toSet()))
                .isEqualTo(subtypes(ClientMessage.class))
                .containsExactlyInAnyOrder(permittedLeaves(ClientMessage.class));
        assertThat(serverMessages().stream().map(Object::getClass).collect(Collectors.toSet()))
                .isEqualTo(subtypes(ServerMessage.class))
                .containsExactlyInAnyOrder(permittedLeaves(ServerMessage.class));
    }

    /** The concrete message records a sealed interface permits (through InCall for client messages). */
    private static Class<?>[] permittedLeaves(Class<?> sealed) {
        return Arrays.stream(sealed.getPermittedSubclasses())
                .flatMap(c -> c.isInterface() ? Arrays.stream(permittedLeaves(c)) : Stream.of(c))
                .distinct().toArray(Class<?>[]::new);
    }

    static Stream<Arguments> clientCases() {
        return clientMessages().stream().map(m -> Arguments.of(ProtocolCodec.typeOf(m), m));
    }

    static Stream<Arguments> serverCases() {
        return serverMessages().stream().map(m -> Arguments.of(m.getClass().getSimpleName(), m));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientCases")
    void clientMessagesRoundTrip(String type, ClientMessage message) throws Exception {
        byte[] bytes = CODEC.encode(message);
        JsonNode tree = JSON.readTree(bytes);
        assertThat(tree.get("type").asText()).isEqualTo(type);
        assertThat(tree.get("id").asText()).isEqualTo(message.id());
        assertThat(CODEC.decodeClient(bytes)).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverCases")
    void serverMessagesRoundTripWithTheirSeq(String name, ServerMessage message) throws Exception {
        byte[] bytes = CODEC.encode(message, 1234);
        ProtocolCodec.ServerEnvelope envelope = CODEC.decodeServer(bytes);
        assertThat(envelope.seq()).isEqualTo(1234);
        assertThat(envelope.message()).isEqualTo(message);
    }

    @Test
    void wireTypeNames() {
        assertThat(clientMessages().stream().map(ProtocolCodec::typeOf)).containsExactly("hello", "ping", "bye",
                "call.request", "call.cancel", "call.accept", "call.reject", "call.hangup", "agent.state",
                "signal.sdp", "signal.ice", "device.idcard", "device.barcode", "documents.token",
                "print.request", "print.result", "device.status", "device.request", "device.declined",
                "call.stats", "dashboard.subscribe");
    }

    @Test
    void seqIsSplicedInFrontOfTheFields() throws Exception {
        String ok = new String(CODEC.encode(new ServerMessage.Ok("r-9"), 42), StandardCharsets.UTF_8);
        assertThat(ok).isEqualTo("{\"seq\":42,\"type\":\"ok\",\"re\":\"r-9\"}");
        String zero = new String(CODEC.encode(new ServerMessage.PeerReconnected("c-1"), 0), StandardCharsets.UTF_8);
        assertThat(zero).startsWith("{\"seq\":0,\"type\":\"peer.reconnected\",");
        String big = new String(CODEC.encode(new ServerMessage.Pong(null, 5), Long.MAX_VALUE),
                StandardCharsets.UTF_8);
        assertThat(JSON.readTree(big).get("seq").asLong()).isEqualTo(Long.MAX_VALUE);
        // Every server message stays valid JSON after the splice.
        for (ServerMessage m : serverMessages()) {
            JsonNode tree = JSON.readTree(CODEC.encode(m, 7));
            assertThat(tree.isObject()).isTrue();
            assertThat(tree.fieldNames().next()).isEqualTo("seq");
            assertThat(tree.get("seq").asLong()).isEqualTo(7);
            assertThat(tree.get("type").isTextual()).isTrue();
        }
    }

    @Test
    void nullFieldsAreOmitted() throws Exception {
        JsonNode error = JSON.readTree(CODEC.encode(new ServerMessage.Error(null, ErrorCode.BAD_JSON, "bad", null), 0));
        assertThat(error.has("re")).isFalse();
        assertThat(error.has("callId")).isFalse();
        assertThat(error.get("code").asText()).isEqualTo("BAD_JSON");
        JsonNode queued = JSON.readTree(CODEC.encode(new ServerMessage.CallQueued(null, "c-1", ITEM, false, 1, null,
                false), 3));
        assertThat(queued.has("estimatedWaitSeconds")).as("unknown estimate is absent, not null").isFalse();
        assertThat(queued.has("re")).isFalse();
        JsonNode ping = JSON.readTree(CODEC.encode(new ClientMessage.Ping(null, 0)));
        assertThat(ping.has("id")).isFalse();
        assertThat(new String(CODEC.encode(new ClientMessage.Bye(null)), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"bye\"}");
    }

    @Test
    void dashboardTimesAreInstantsAndEmptyQueuesHaveNoOldest() throws Exception {
        Dashboard.Live idle = new Dashboard.Live(List.of(new Dashboard.Queue("pensions", "养老保险", "Pensions", 0, 0,
                null, 1, 1)), List.of(), List.of(), new Dashboard.Today("2023-11-14", 0, 0, 0, 0, null, 60),
                List.of(), List.of(), List.of(), false);
        JsonNode update = JSON.readTree(CODEC.encode(new ServerMessage.DashboardUpdate(5, List.of(), idle), 9));
        assertThat(update.get("type").asText()).isEqualTo("dashboard.update");
        assertThat(update.at("/live/queues/0").has("oldestSince")).isFalse();
        assertThat(update.at("/live/today").has("serviceLevel")).as("no service level before the first call")
                .isFalse();
        JsonNode snapshot = JSON.readTree(CODEC.encode(serverMessages().stream()
                .filter(m -> m instanceof ServerMessage.DashboardSnapshot).findFirst().orElseThrow(), 4));
        assertThat(snapshot.at("/live/agents/0/state").asText()).isEqualTo("busy");
        assertThat(snapshot.at("/live/calls/0/serviceItem/nameZh").asText()).isEqualTo(ITEM.nameZh());
        assertThat(snapshot.at("/re").asText()).isEqualTo("ds1");
    }

    @Test
    void wireNamesOfEnums() throws Exception {
        JsonNode state = JSON.readTree(CODEC.encode(new ServerMessage.AgentStateChanged(null, AgentState.WRAP_UP,
                null, null), 1));
        assertThat(state.get("state").asText()).isEqualTo("wrap_up");
        JsonNode ended = JSON.readTree(CODEC.encode(new ServerMessage.CallEnded(null, "c", EndReason.REJECTED_BY_ALL,
                null, Role.AGENT), 1));
        assertThat(ended.get("reason").asText()).isEqualTo("rejected_by_all");
        assertThat(ended.get("by").asText()).isEqualTo("agent");
        assertThat(ended.has("cause")).isFalse();
        JsonNode kit = JSON.readTree(CODEC.encode(new ClientMessage.DeviceStatus(null, List.of(
                new Devices.Health(Devices.Kind.BARCODE_SCANNER, Devices.State.NOT_READY, null, null),
                new Devices.Health(Devices.Kind.IDCARD_READER, Devices.State.OUT_OF_PAPER, null, null)))));
        assertThat(kit.get("devices").get(0).get("device").asText()).isEqualTo("barcode-scanner");
        assertThat(kit.get("devices").get(0).get("state").asText()).isEqualTo("not_ready");
        assertThat(kit.get("devices").get(1).get("device").asText()).isEqualTo("idcard-reader");
        assertThat(kit.get("devices").get(1).get("state").asText()).isEqualTo("out_of_paper");
        for (Devices.Kind k : Devices.Kind.values()) {
            assertThat(JSON.writeValueAsString(k)).isEqualTo('"' + k.wireName() + '"');
        }
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        ClientMessage m = decode("{\"type\":\"call.request\",\"id\":\"r1\",\"serviceItem\":\"MI-001\","
                + "\"future\":{\"nested\":[1,2,3]},\"priority\":true,\"x\":null}");
        assertThat(m).isEqualTo(new ClientMessage.CallRequest("r1", "MI-001", true));
        ClientMessage sdp = decode("{\"type\":\"signal.sdp\",\"callId\":\"c-1\","
                + "\"description\":{\"type\":\"offer\",\"sdp\":\"v=0\",\"extra\":1}}");
        assertThat(sdp).isEqualTo(new ClientMessage.Sdp(null, "c-1", new SessionDescription("offer", "v=0")));
        ProtocolCodec.ServerEnvelope e = CODEC.decodeServer(
                "{\"seq\":5,\"type\":\"ok\",\"re\":\"a\",\"newField\":true}".getBytes(StandardCharsets.UTF_8));
        assertThat(e.message()).isEqualTo(new ServerMessage.Ok("a"));
    }

    @Test
    void optionalFieldsDefault() throws Exception {
        assertThat(decode("{\"type\":\"ping\"}")).isEqualTo(new ClientMessage.Ping(null, 0));
        assertThat(decode("{\"type\":\"call.request\",\"serviceItem\":\"MI-001\"}"))
                .isEqualTo(new ClientMessage.CallRequest(null, "MI-001", false));
        assertThat(decode("{\"type\":\"hello\",\"token\":\"t\"}")).isEqualTo(new ClientMessage.Hello(null, "t", null));
        // null means absent, for primitives too.
        assertThat(decode("{\"type\":\"call.request\",\"serviceItem\":\"MI-001\",\"priority\":null}"))
                .isEqualTo(new ClientMessage.CallRequest(null, "MI-001", false));
    }

    // ---------------------------------------------------------------- bad input

    private static ClientMessage decode(String json) throws ProtocolException {
        return CODEC.decodeClient(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ProtocolException refused(String json) {
        return refused(json.getBytes(StandardCharsets.UTF_8));
    }

    private static ProtocolException refused(byte[] bytes) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> CODEC.decodeClient(bytes));
        assertThat(e).as("refused: %s", new String(bytes, StandardCharsets.UTF_8)).isNotNull();
        assertThat(e.getMessage()).isNotBlank();
        return e;
    }

    static Stream<Arguments> badJson() {
        return Stream.of(
                Arguments.of("not json at all"),
                Arguments.of("{\"type\":\"ping\""),
                Arguments.of("{\"type\":\"ping\"} {\"type\":\"ping\"}"),
                Arguments.of("[{\"type\":\"ping\"}]"),
                Arguments.of("\"ping\""),
                Arguments.of("42"),
                Arguments.of("null"),
                Arguments.of(""),
                Arguments.of("   "),
                Arguments.of("{'type':'ping'}"),
                Arguments.of("{\"type\":\"ping\",\"ack\":1" + "0".repeat(40) + "}"),
                Arguments.of("{\"type\":\"ping\",\"x\":" + "[".repeat(40) + "]".repeat(40) + "}"));
    }

    @ParameterizedTest
    @MethodSource("badJson")
    void notAJsonObjectIsBadJson(String json) {
        ProtocolException e = refused(json);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON);
        assertThat(e.requestId()).isNull();
    }

    @Test
    void invalidUtf8IsBadJson() {
        byte[] bytes = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThat(refused(bytes).code()).isEqualTo(ErrorCode.BAD_JSON);
    }

    @Test
    void unknownOrMissingTypeKeepsTheRequestId() {
        ProtocolException unknown = refused("{\"type\":\"call.teleport\",\"id\":\"q-1\"}");
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(unknown.requestId()).isEqualTo("q-1");
        assertThat(unknown.getMessage()).contains("call.teleport");
        ProtocolException missing = refused("{\"id\":\"q-2\",\"serviceItem\":\"MI-001\"}");
        assertThat(missing.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(missing.requestId()).isEqualTo("q-2");
        assertThat(refused("{\"type\":5,\"id\":\"q-3\"}").code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(refused("{\"type\":null}").code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        // A server-to-client type is not something a client may send.
        assertThat(refused("{\"type\":\"welcome\",\"id\":\"q-4\"}").code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        // A very long type is not echoed in full.
        ProtocolException longType = refused("{\"type\":\"" + "x".repeat(10_000) + "\"}");
        assertThat(longType.getMessage().length()).isLessThan(200);
    }

    static Stream<Arguments> missingFields() {
        return Stream.of(
                Arguments.of("{\"type\":\"call.request\",\"id\":\"m\"}", "serviceItem"),
                Arguments.of("{\"type\":\"call.request\",\"id\":\"m\",\"serviceItem\":\"  \"}", "serviceItem"),
                Arguments.of("{\"type\":\"call.request\",\"id\":\"m\",\"serviceItem\":null}", "serviceItem"),
                Arguments.of("{\"type\":\"hello\",\"id\":\"m\"}", "token"),
                Arguments.of("{\"type\":\"hello\",\"id\":\"m\",\"token\":\"t\",\"resume\":{\"lastSeq\":1}}",
                        "resume.sessionId"),
                Arguments.of("{\"type\":\"call.accept\",\"id\":\"m\"}", "callId"),
                Arguments.of("{\"type\":\"agent.state\",\"id\":\"m\"}", "state"),
                Arguments.of("{\"type\":\"signal.sdp\",\"id\":\"m\",\"callId\":\"c\"}", "description"),
                Arguments.of("{\"type\":\"signal.sdp\",\"id\":\"m\",\"callId\":\"c\",\"description\":{\"type\":\"offer\"}}",
                        "description.sdp"),
                Arguments.of("{\"type\":\"signal.ice\",\"id\":\"m\",\"callId\":\"c\",\"candidate\":{\"sdpMid\":\"0\"}}",
                        "candidate.candidate"),
                Arguments.of("{\"type\":\"device.idcard\",\"id\":\"m\",\"callId\":\"c\",\"card\":{\"name\":\"n\"}}",
                        "card.idNumber"),
                Arguments.of("{\"type\":\"print.result\",\"id\":\"m\",\"callId\":\"c\",\"jobId\":\"j\"}",
                        "status"),
                Arguments.of("{\"type\":\"print.request\",\"id\":\"m\",\"callId\":\"c\",\"jobId\":\"j\",\"copies\":1}",
                        "documentId"),
                Arguments.of("{\"type\":\"device.status\",\"id\":\"m\"}", "devices"),
                Arguments.of("{\"type\":\"device.status\",\"id\":\"m\",\"devices\":[{\"device\":\"printer\"}]}",
                        "devices.state"),
                Arguments.of("{\"type\":\"device.request\",\"id\":\"m\",\"callId\":\"c\",\"device\":\"idcard-reader\"}",
                        "requestId"),
                Arguments.of("{\"type\":\"device.request\",\"id\":\"m\",\"callId\":\"c\",\"requestId\":\"q\"}",
                        "device"),
                Arguments.of("{\"type\":\"device.declined\",\"id\":\"m\",\"callId\":\"c\",\"requestId\":\"q\"}",
                        "reason"),
                Arguments.of("{\"type\":\"call.stats\",\"id\":\"m\",\"rttMs\":40}", "callId"));
    }

    @ParameterizedTest
    @MethodSource("missingFields")
    void missingFieldIsNamedWithTheRequestId(String json, String field) {
        ProtocolException e = refused(json);
        assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(e.requestId()).isEqualTo("m");
        assertThat(e.getMessage()).contains("'" + field + "'");
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                Arguments.of("{\"type\":\"call.request\",\"id\":\"v\",\"serviceItem\":\"MI-001\",\"priority\":\"yes\"}"),
                Arguments.of("{\"type\":\"call.request\",\"id\":\"v\",\"serviceItem\":\"MI-001\",\"priority\":1}"),
                Arguments.of("{\"type\":\"call.request\",\"id\":\"v\",\"serviceItem\":42}"),
                Arguments.of("{\"type\":\"call.request\",\"id\":\"v\",\"serviceItem\":true}"),
                Arguments.of("{\"type\":\"call.cancel\",\"id\":\"v\",\"callId\":1.5}"),
                Arguments.of("{\"type\":\"device.idcard\",\"id\":\"v\",\"callId\":\"c\","
                        + "\"card\":{\"name\":\"n\",\"idNumber\":310115195001011234}}"),
                Arguments.of("{\"type\":\"call.request\",\"id\":\"v\",\"serviceItem\":{\"code\":\"MI-001\"}}"),
                Arguments.of("{\"type\":\"call.request\",\"id\":\"v\",\"serviceItem\":\"" + "X".repeat(33) + "\"}"),
                Arguments.of("{\"type\":\"ping\",\"id\":\"v\",\"ack\":-1}"),
                Arguments.of("{\"type\":\"ping\",\"id\":\"v\",\"ack\":\"5\"}"),
                Arguments.of("{\"type\":\"ping\",\"id\":\"v\",\"ack\":1.5}"),
                Arguments.of("{\"type\":\"ping\",\"id\":\"v\",\"ack\":2.0}"),
                Arguments.of("{\"type\":\"call.request\",\"id\":\"v\",\"serviceItem\":\"MI-001\",\"priority\":\"true\"}"),
                Arguments.of("{\"type\":\"agent.state\",\"id\":\"v\",\"state\":\"busy\"}"),
                Arguments.of("{\"type\":\"agent.state\",\"id\":\"v\",\"state\":\"sleeping\"}"),
                Arguments.of("{\"type\":\"call.accept\",\"id\":\"v\",\"callId\":\"" + "c".repeat(65) + "\"}"),
                Arguments.of("{\"type\":\"call.accept\",\"id\":\"v\",\"callId\":[\"c-1\"]}"),
                Arguments.of("{\"type\":\"signal.sdp\",\"id\":\"v\",\"callId\":\"c\","
                        + "\"description\":{\"type\":\"bogus\",\"sdp\":\"v=0\"}}"),
                Arguments.of("{\"type\":\"signal.sdp\",\"id\":\"v\",\"callId\":\"c\",\"description\":\"v=0\"}"),
                Arguments.of("{\"type\":\"signal.ice\",\"id\":\"v\",\"callId\":\"c\",\"candidate\":{\"candidate\":\"\"}}"),
                Arguments.of("{\"type\":\"print.request\",\"id\":\"v\",\"callId\":\"c\",\"jobId\":\"j\","
                        + "\"documentId\":\"d\",\"copies\":0}"),
                Arguments.of("{\"type\":\"print.result\",\"id\":\"v\",\"callId\":\"c\",\"jobId\":\"j\","
                        + "\"status\":\"failed\"}"),
                Arguments.of("{\"type\":\"print.result\",\"id\":\"v\",\"callId\":\"c\",\"jobId\":\"j\","
                        + "\"status\":\"jammed\"}"),
                Arguments.of("{\"type\":\"hello\",\"id\":\"v\",\"token\":\"t\","
                        + "\"resume\":{\"sessionId\":\"s\",\"lastSeq\":-3}}"),
                Arguments.of("{\"type\":\"hello\",\"id\":\"v\",\"token\":\"" + "t".repeat(8193) + "\"}"),
                Arguments.of("{\"type\":\"device.status\",\"id\":\"v\",\"devices\":[{\"device\":\"fax\",\"state\":\"ready\"}]}"),
                Arguments.of("{\"type\":\"device.status\",\"id\":\"v\",\"devices\":[{\"device\":\"printer\",\"state\":\"READY\"}]}"),
                Arguments.of("{\"type\":\"device.status\",\"id\":\"v\",\"devices\":[{\"device\":\"printer\",\"state\":\"ready\"},"
                        + "{\"device\":\"printer\",\"state\":\"error\"}]}"),
                Arguments.of("{\"type\":\"device.status\",\"id\":\"v\",\"devices\":[{\"device\":\"printer\",\"state\":\"ready\","
                        + "\"detail\":\"" + "d".repeat(129) + "\"}]}"),
                Arguments.of("{\"type\":\"device.status\",\"id\":\"v\",\"devices\":{\"device\":\"printer\"}}"),
                Arguments.of("{\"type\":\"device.request\",\"id\":\"v\",\"callId\":\"c\",\"requestId\":\"q\","
                        + "\"device\":\"printer\"}"),
                Arguments.of("{\"type\":\"device.request\",\"id\":\"v\",\"callId\":\"c\",\"requestId\":\"q\","
                        + "\"device\":\"document-camera\",\"prompt\":\"" + "p".repeat(257) + "\"}"),
                Arguments.of(stats("\"rttMs\":-1")),
                Arguments.of(stats("\"rttMs\":60001")),
                Arguments.of(stats("\"rttMs\":\"40\"")),
                Arguments.of(stats("\"jitterMs\":-0.5")),
                Arguments.of(stats("\"fractionLost\":1.5")),
                Arguments.of(stats("\"bitrateInKbps\":1e9")),
                Arguments.of(stats("\"bitrateOutKbps\":-3")),
                Arguments.of(stats("\"packetsLost\":-1")),
                Arguments.of(stats("\"packetsLost\":2.5")),
                Arguments.of(stats("\"framesDecoded\":-7")),
                Arguments.of(stats("\"candidateType\":\"wormhole\"")),
                Arguments.of(stats("\"candidateType\":\"relay\",\"relayProtocol\":\"sctp\"")),
                Arguments.of(stats("\"candidateType\":\"host\",\"relayProtocol\":\"udp\"")));
    }

    /** A call.stats frame with request id v and these fields besides its call id. */
    private static String stats(String fields) {
        return "{\"type\":\"call.stats\",\"id\":\"v\",\"callId\":\"c\"," + fields + "}";
    }

    @Test
    void callStatsTakeWholeNumbersAsDecimalsAndEveryMeasurementIsOptional() throws Exception {
        ClientMessage.CallStats s = (ClientMessage.CallStats) CODEC.decodeClient(
                "{\"type\":\"call.stats\",\"callId\":\"c\",\"rttMs\":40,\"fractionLost\":0}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(s.rttMs()).isEqualTo(40.0);
        assertThat(s.fractionLost()).isZero();
        assertThat(s.jitterMs()).isNull();
        assertThat(s.candidateType()).isNull();
        assertThat(new String(CODEC.encode(s), StandardCharsets.UTF_8))
                .isEqualTo("{\"type\":\"call.stats\",\"callId\":\"c\",\"rttMs\":40.0,\"fractionLost\":0.0}");
    }

    @ParameterizedTest
    @MethodSource("invalidFields")
    void wrongTypeOrValueIsInvalidFieldWithTheRequestId(String json) {
        ProtocolException e = refused(json);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(e.requestId()).isEqualTo("v");
        assertThat(e.getMessage().length()).as("short, readable message").isLessThan(200);
    }

    @Test
    void aBadRequestIdIsInvalidAndNotEchoed() {
        ProtocolException tooLong = refused("{\"type\":\"ping\",\"id\":\"" + "i".repeat(65) + "\"}");
        assertThat(tooLong.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(tooLong.requestId()).isNull();
        assertThat(tooLong.getMessage()).contains("'id'");
        ProtocolException number = refused("{\"type\":\"ping\",\"id\":17}");
        assertThat(number.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(number.requestId()).isNull();
        assertThat(refused("{\"type\":\"ping\",\"id\":{\"a\":1}}").code()).isEqualTo(ErrorCode.INVALID_FIELD);
    }

    @Test
    void anIdOfExactlyTheLimitIsEchoed() throws Exception {
        String id = "i".repeat(ProtocolCodec.MAX_REQUEST_ID_LENGTH);
        assertThat(decode("{\"type\":\"ping\",\"id\":\"" + id + "\"}").id()).isEqualTo(id);
        ProtocolException e = refused("{\"type\":\"nope\",\"id\":\"" + id + "\"}");
        assertThat(e.requestId()).isEqualTo(id);
    }

    @Test
    void serverMessagesWithoutSeqOrWithAnUnknownTypeAreRefused() {
        assertThatThrownBy(() -> CODEC.decodeServer("{\"type\":\"ok\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD));
        assertThatThrownBy(() -> CODEC.decodeServer("{\"seq\":1,\"type\":\"nope\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE));
        assertThatThrownBy(() -> CODEC.decodeServer("[]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON));
    }

    @Test
    void messageConstructorsRefuseIncompleteValuesInCodeToo() {
        assertThatThrownBy(() -> new ClientMessage.CallRequest("r", null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serviceItem");
        assertThatThrownBy(() -> new ClientMessage.SetAgentState("r", AgentState.BUSY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Media.IceCandidate("c", null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
