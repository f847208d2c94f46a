package io.doorstep.signalling;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Media;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input over real WebSockets. Each bad message gets a specific error with a code (and the request id when one
 * could be read); the connection, the server and every other session carry on; the queue and the call log stay
 * intact. Only what the protocol calls abuse (no sign-in, a frame beyond the hard limit, a flood) closes a connection.
 */
class BadInputTest {
    private static final int MAX_FRAME = 4096;
    private static final int MAX_DEVICE = 1024;
    private static final Media.SessionDescription OFFER = new Media.SessionDescription("offer", "v=0 offer");
    private static final Devices.IdCard CARD = new Devices.IdCard("张三", "310115195001011234", "男", "汉",
            "1950-01-01", "上海市浦东新区川沙新镇", "浦东分局", "2015-01-01", "长期", null);

    private static final ProtocolCodec CODEC = new ProtocolCodec();
    /** Short enough to wait for in a test; only for tests whose clients are warmed up (see {@link #warmUp}). */
    private static final Map<String, String> SHORT_HELLO_TIMEOUT = Map.of("DOORSTEP_AUTH_HELLO_TIMEOUT", "500ms");

    private TestServer server;

    private TestServer start(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "DOORSTEP_AUTH_HELLO_TIMEOUT", "3s",
                "DOORSTEP_LIMITS_MAX_FRAME_BYTES", Integer.toString(MAX_FRAME),
                "DOORSTEP_LIMITS_MAX_DEVICE_PAYLOAD_BYTES", Integer.toString(MAX_DEVICE),
                "DOORSTEP_ROUTING_WRAP_UP", "0s"));
        env.putAll(extra);
        server = TestServer.start(env);
        return server;
    }

    private TestServer start() throws Exception {
        return start(Map.of());
    }

    /**
     * The first sign-in in a JVM loads the codec, JWT and WebSocket classes, on client and server side alike; do it
     * once so that a short hello timeout measures the server and not class loading.
     */
    @BeforeAll
    static void warmUp() throws Exception {
        try (TestServer warm = TestServer.start(); WsClient c = warm.signIn("st-test-01", Role.STATION)) {
            c.send(new ClientMessage.CallRequest("w", "HF-001", false));
            c.expect(ServerMessage.CallQueued.class);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ServerMessage.Error expectError(WsClient c, ErrorCode code, String re) {
        ServerMessage.Error e = c.expect(ServerMessage.Error.class);
        assertThat(e.code()).as("error code (message: %s)", e.message()).isEqualTo(code);
        assertThat(e.re()).as("re").isEqualTo(re);
        assertThat(e.message()).isNotBlank();
        return e;
    }

    /** The connection still works: a ping is answered. */
    private static void assertAlive(WsClient c) {
        String id = c.nextId();
        c.send(new ClientMessage.Ping(id, c.lastSeq()));
        assertThat(c.expect(ServerMessage.Pong.class).re()).isEqualTo(id);
        assertThat(c.isClosed()).isFalse();
    }

    private WsClient agent(String id) {
        WsClient a = server.signIn(id, Role.AGENT);
        assertThat(a.expect(ServerMessage.AgentStateChanged.class).state()).isEqualTo(AgentState.AWAY);
        return a;
    }

    private static String request(WsClient station, String item) {
        String id = station.nextId();
        station.send(new ClientMessage.CallRequest(id, item, false));
        ServerMessage.CallQueued q = station.await(ServerMessage.CallQueued.class, m -> id.equals(m.re()));
        return q.callId();
    }

    /** A connected call between the station and the (available) agent; returns its id. */
    private static String connect(WsClient station, WsClient agent, String item) {
        String callId = request(station, item);
        ServerMessage.CallOffer offer = agent.await(ServerMessage.CallOffer.class);
        assertThat(offer.callId()).isEqualTo(callId);
        agent.send(new ClientMessage.CallAccept("accept-" + callId, callId));
        agent.await(ServerMessage.CallConnected.class);
        station.await(ServerMessage.CallConnected.class);
        agent.await(ServerMessage.DocumentsAccess.class);
        station.await(ServerMessage.DocumentsAccess.class);
        return callId;
    }

    /** SDP both ways, then the station hangs up: the whole call works. */
    private static void talkAndHangUp(WsClient station, WsClient agent, String callId) {
        station.send(new ClientMessage.Sdp(null, callId, OFFER));
        assertThat(agent.await(ServerMessage.Sdp.class).description()).isEqualTo(OFFER);
        agent.send(new ClientMessage.Sdp(null, callId, new Media.SessionDescription("answer", "v=0 answer")));
        assertThat(station.await(ServerMessage.Sdp.class).description().type()).isEqualTo("answer");
        station.send(new ClientMessage.CallHangup("bye-" + callId, callId, null));
        ServerMessage.CallEnded ended = station.await(ServerMessage.CallEnded.class);
        assertThat(ended.re()).isEqualTo("bye-" + callId);
        assertThat(ended.reason()).isEqualTo(EndReason.COMPLETED);
        assertThat(agent.await(ServerMessage.CallEnded.class).reason()).isEqualTo(EndReason.COMPLETED);
    }

    private static String pad(int n) {
        return "x".repeat(n);
    }

    // ---------------------------------------------------------------- malformed frames

    @Test
    void malformedJsonAndNonObjectsAreBadJson() throws Exception {
        start();
        try (WsClient c = server.signIn("st-test-01", Role.STATION)) {
            for (String bad : List.of("{\"type\":\"ping\",", "not json", "[{\"type\":\"ping\"}]", "\"ping\"", "42",
                    "null", "{\"type\":\"ping\"} trailing")) {
                c.sendRaw(bad);
                expectError(c, ErrorCode.BAD_JSON, null);
            }
            assertAlive(c);
        }
    }

    @Test
    void unknownOrMissingTypeIsAnsweredWithTheRequestId() throws Exception {
        start();
        try (WsClient c = server.signIn("st-test-01", Role.STATION)) {
            c.sendRaw("{\"type\":\"call.teleport\",\"id\":\"u-1\"}");
            ServerMessage.Error e = expectError(c, ErrorCode.UNKNOWN_TYPE, "u-1");
            assertThat(e.message()).contains("call.teleport");
            c.sendRaw("{\"id\":\"u-2\",\"serviceItem\":\"MI-001\"}");
            expectError(c, ErrorCode.UNKNOWN_TYPE, "u-2");
            c.sendRaw("{\"type\":\"welcome\",\"id\":\"u-3\"}");
            expectError(c, ErrorCode.UNKNOWN_TYPE, "u-3");
            assertAlive(c);
        }
    }

    @Test
    void missingFieldsAreNamed() throws Exception {
        start();
        try (WsClient c = server.signIn("st-test-01", Role.STATION)) {
            c.sendRaw("{\"type\":\"call.request\",\"id\":\"m-1\"}");
            assertThat(expectError(c, ErrorCode.MISSING_FIELD, "m-1").message()).contains("serviceItem");
            c.sendRaw("{\"type\":\"call.request\",\"id\":\"m-2\",\"serviceItem\":\"\",\"priority\":true}");
            assertThat(expectError(c, ErrorCode.MISSING_FIELD, "m-2").message()).contains("serviceItem");
            c.sendRaw("{\"type\":\"call.cancel\",\"id\":\"m-3\"}");
            assertThat(expectError(c, ErrorCode.MISSING_FIELD, "m-3").message()).contains("callId");
            c.sendRaw("{\"type\":\"device.idcard\",\"id\":\"m-4\",\"callId\":\"c-1\",\"card\":{\"name\":\"n\"}}");
            assertThat(expectError(c, ErrorCode.MISSING_FIELD, "m-4").message()).contains("card.idNumber");
            // Optional fields may be left out: a request without priority is a normal call.
            c.sendRaw("{\"type\":\"call.request\",\"id\":\"m-5\",\"serviceItem\":\"HF-001\"}");
            ServerMessage.CallQueued q = c.expect(ServerMessage.CallQueued.class);
            assertThat(q.re()).isEqualTo("m-5");
            assertThat(q.priority()).isFalse();
        }
    }

    @Test
    void wrongFieldTypesAreInvalid() throws Exception {
        start();
        try (WsClient c = server.signIn("st-test-01", Role.STATION)) {
            c.sendRaw("{\"type\":\"call.request\",\"id\":\"v-1\",\"serviceItem\":\"MI-001\",\"priority\":\"yes\"}");
            assertThat(expectError(c, ErrorCode.INVALID_FIELD, "v-1").message()).contains("priority");
            c.sendRaw("{\"type\":\"call.request\",\"id\":\"v-2\",\"serviceItem\":42}");
            expectError(c, ErrorCode.INVALID_FIELD, "v-2");
            c.sendRaw("{\"type\":\"ping\",\"id\":\"v-3\",\"ack\":-5}");
            expectError(c, ErrorCode.INVALID_FIELD, "v-3");
            c.sendRaw("{\"type\":\"call.request\",\"id\":\"v-4\",\"serviceItem\":\"" + pad(40) + "\"}");
            expectError(c, ErrorCode.INVALID_FIELD, "v-4");
            // Nothing of the refused requests was applied: the station has no call.
            assertThat(request(c, "HF-001")).startsWith("c-");
        }
    }

    @Test
    void aRequestIdThatIsTooLongIsInvalidAndNotEchoed() throws Exception {
        start();
        try (WsClient c = server.signIn("st-test-01", Role.STATION)) {
            c.sendRaw("{\"type\":\"ping\",\"id\":\"" + pad(65) + "\"}");
            assertThat(expectError(c, ErrorCode.INVALID_FIELD, null).message()).contains("'id'");
            c.sendRaw("{\"type\":\"ping\",\"id\":12345}");
            expectError(c, ErrorCode.INVALID_FIELD, null);
            c.sendRaw("{\"type\":\"ping\",\"id\":\"" + pad(64) + "\"}");
            assertThat(c.expect(ServerMessage.Pong.class).re()).isEqualTo(pad(64));
        }
    }

    @Test
    void anOversizedFrameIsRefusedAndBeyondFourTimesTheLimitClosesTheConnection() throws Exception {
        start();
        try (WsClient c = server.signIn("st-test-01", Role.STATION)) {
            c.sendRaw("{\"type\":\"ping\",\"id\":\"big\",\"pad\":\"" + pad(MAX_FRAME) + "\"}");
            expectError(c, ErrorCode.FRAME_TOO_LARGE, null);
            c.sendRaw("{\"type\":\"ping\",\"pad\":\"" + pad(MAX_FRAME * 4 - 100) + "\"}");
            expectError(c, ErrorCode.FRAME_TOO_LARGE, null);
            assertAlive(c);
            c.sendRaw("{\"type\":\"ping\",\"pad\":\"" + pad(MAX_FRAME * 4 + 1) + "\"}");
            assertThat(c.awaitClose()).as("closed: 1009 message too big").isEqualTo(1009);
        }
        try (WsClient other = server.signIn("st-test-02", Role.STATION)) {
            assertAlive(other);
        }
    }

    @Test
    void aBinaryFrameIsUnsupported() throws Exception {
        start();
        try (WsClient c = server.signIn("st-test-01", Role.STATION)) {
            c.sendBinary("{\"type\":\"ping\",\"id\":\"b-1\"}".getBytes(StandardCharsets.UTF_8));
            expectError(c, ErrorCode.UNSUPPORTED_FRAME, null);
            c.sendBinary(new byte[] {0, 1, 2, 3, (byte) 0xff});
            expectError(c, ErrorCode.UNSUPPORTED_FRAME, null);
            assertAlive(c);
        }
    }

    // ---------------------------------------------------------------- calls that are not yours

    @Test
    void aMessageAboutAnotherStationsCallIsNotInCall() throws Exception {
        start();
        try (WsClient owner = server.signIn("st-test-01", Role.STATION);
             WsClient other = server.signIn("st-test-02", Role.STATION)) {
            String callId = request(owner, "HF-001");
            other.send(new ClientMessage.Sdp("n-1", callId, OFFER));
            ServerMessage.Error sdp = expectError(other, ErrorCode.NOT_IN_CALL, "n-1");
            assertThat(sdp.callId()).isEqualTo(callId);
            other.send(new ClientMessage.CallCancel("n-2", callId));
            expectError(other, ErrorCode.NOT_IN_CALL, "n-2");
            other.send(new ClientMessage.CallHangup("n-3", callId, null));
            expectError(other, ErrorCode.NOT_IN_CALL, "n-3");
            other.send(new ClientMessage.IdCardRead("n-4", callId, CARD));
            expectError(other, ErrorCode.NOT_IN_CALL, "n-4");
            // A call that does not exist looks exactly the same, so call ids cannot be probed.
            other.send(new ClientMessage.CallCancel("n-5", "c-doesnotexist"));
            ServerMessage.Error none = expectError(other, ErrorCode.NOT_IN_CALL, "n-5");
            assertThat(none.message().replace("c-doesnotexist", "X"))
                    .isEqualTo(sdp.message().replace(callId, "X"));
            owner.expectNothing(Duration.ofMillis(200));
            // The owner's call was untouched: it can still cancel it.
            owner.send(new ClientMessage.CallCancel("own-1", callId));
            ServerMessage.CallEnded ended = owner.expect(ServerMessage.CallEnded.class);
            assertThat(ended.re()).isEqualTo("own-1");
            assertThat(ended.reason()).isEqualTo(EndReason.CANCELLED);
        }
    }

    // ---------------------------------------------------------------- transitions not allowed

    @Test
    void transitionsThatAreNotAllowedAreInvalidState() throws Exception {
        start();
        try (WsClient first = agent("ag-mi-01");
             WsClient second = agent("ag-mi-02");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            first.setAvailable();
            second.setAvailable();
            String callId = request(station, "MI-001");
            ServerMessage.CallOffer offer = first.await(ServerMessage.CallOffer.class);
            assertThat(offer.callId()).as("longest idle agent first").isEqualTo(callId);
            station.await(ServerMessage.CallQueued.class, ServerMessage.CallQueued::ringing);

            // Accepting a call offered to someone else.
            second.send(new ClientMessage.CallAccept("i-1", callId));
            assertThat(expectError(second, ErrorCode.INVALID_STATE, "i-1").callId()).isEqualTo(callId);
            second.send(new ClientMessage.CallReject("i-2", callId, null));
            expectError(second, ErrorCode.INVALID_STATE, "i-2");
            // Going away while a call rings.
            first.send(new ClientMessage.SetAgentState("i-3", AgentState.AWAY));
            expectError(first, ErrorCode.INVALID_STATE, "i-3");
            // Hanging up a call that only rings.
            first.send(new ClientMessage.CallHangup("i-4", callId, null));
            expectError(first, ErrorCode.INVALID_STATE, "i-4");
            // SDP before the call is connected.
            station.send(new ClientMessage.Sdp("i-5", callId, OFFER));
            expectError(station, ErrorCode.INVALID_STATE, "i-5");
            first.send(new ClientMessage.Ice("i-6", callId, new Media.IceCandidate("", "0", null, null)));
            expectError(first, ErrorCode.INVALID_STATE, "i-6");
            // A second call while the first is ringing.
            station.send(new ClientMessage.CallRequest("i-7", "PE-001", false));
            expectError(station, ErrorCode.ALREADY_IN_CALL, "i-7");

            first.send(new ClientMessage.CallAccept("acc", callId));
            first.await(ServerMessage.DocumentsAccess.class);
            station.await(ServerMessage.DocumentsAccess.class);
            // Accepting twice; rejecting or cancelling a connected call; a second call while connected.
            first.send(new ClientMessage.CallAccept("i-8", callId));
            expectError(first, ErrorCode.INVALID_STATE, "i-8");
            first.send(new ClientMessage.CallReject("i-9", callId, null));
            expectError(first, ErrorCode.INVALID_STATE, "i-9");
            station.send(new ClientMessage.CallCancel("i-10", callId));
            expectError(station, ErrorCode.INVALID_STATE, "i-10");
            station.send(new ClientMessage.CallRequest("i-11", "MI-002", true));
            expectError(station, ErrorCode.ALREADY_IN_CALL, "i-11");
            first.send(new ClientMessage.SetAgentState("i-12", AgentState.AVAILABLE));
            expectError(first, ErrorCode.INVALID_STATE, "i-12");

            // None of it broke the call.
            talkAndHangUp(station, first, callId);
            // Once ended, the call is gone for both parties.
            station.send(new ClientMessage.Sdp("i-13", callId, OFFER));
            expectError(station, ErrorCode.NOT_IN_CALL, "i-13");
            first.await(ServerMessage.AgentStateChanged.class, m -> m.state() == AgentState.AVAILABLE);
            first.send(new ClientMessage.CallHangup("i-14", callId, null));
            expectError(first, ErrorCode.NOT_IN_CALL, "i-14");
            first.send(new ClientMessage.CallAccept("i-15", callId));
            expectError(first, ErrorCode.NOT_IN_CALL, "i-15");
            assertThat(server.callLog(callId)).extracting(n -> n.get("event").asText())
                    .containsExactly("queued", "offered", "connected", "ended");
        }
    }

    @Test
    void anUnknownServiceItemIsRefused() throws Exception {
        start();
        try (WsClient station = server.signIn("st-test-01", Role.STATION)) {
            station.send(new ClientMessage.CallRequest("s-1", "XX-999", false));
            assertThat(expectError(station, ErrorCode.UNKNOWN_SERVICE_ITEM, "s-1").message()).contains("XX-999");
            station.send(new ClientMessage.CallRequest("s-2", "mi-001", false));
            expectError(station, ErrorCode.UNKNOWN_SERVICE_ITEM, "s-2");
            assertThat(request(station, "MI-001")).as("the refused requests left no call behind").isNotBlank();
        }
    }

    @Test
    void eachRoleMaySendOnlyItsOwnMessages() throws Exception {
        start();
        try (WsClient station = server.signIn("st-test-01", Role.STATION);
             WsClient agent = agent("ag-mi-01");
             WsClient operator = server.signIn("op-test-01", Role.OPERATOR)) {
            station.send(new ClientMessage.CallAccept("f-1", "c-x"));
            expectError(station, ErrorCode.FORBIDDEN, "f-1");
            station.send(new ClientMessage.SetAgentState("f-2", AgentState.AVAILABLE));
            expectError(station, ErrorCode.FORBIDDEN, "f-2");
            station.send(new ClientMessage.PrintRequest("f-3", "c-x", "j", "d", 1));
            expectError(station, ErrorCode.FORBIDDEN, "f-3");
            agent.send(new ClientMessage.CallRequest("f-4", "MI-001", false));
            expectError(agent, ErrorCode.FORBIDDEN, "f-4");
            agent.send(new ClientMessage.IdCardRead("f-5", "c-x", CARD));
            expectError(agent, ErrorCode.FORBIDDEN, "f-5");
            agent.send(new ClientMessage.CallCancel("f-6", "c-x"));
            expectError(agent, ErrorCode.FORBIDDEN, "f-6");
            operator.send(new ClientMessage.Sdp("f-7", "c-x", OFFER));
            expectError(operator, ErrorCode.FORBIDDEN, "f-7");
            operator.send(new ClientMessage.CallRequest("f-8", "MI-001", false));
            expectError(operator, ErrorCode.FORBIDDEN, "f-8");
            operator.send(new ClientMessage.CallHangup("f-9", "c-x", null));
            expectError(operator, ErrorCode.FORBIDDEN, "f-9");
            // The forbidden call.request created nothing: the agent is still away with no offer.
            agent.setAvailable();
            agent.expectNothing(Duration.ofMillis(200));
            assertAlive(operator);
        }
    }

    @Test
    void aDevicePayloadOverItsLimitIsRefusedAndNotForwarded() throws Exception {
        start();
        try (WsClient agent = server.availableAgent("ag-mi-01");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = connect(station, agent, "MI-001");
            Devices.IdCard withPhoto = new Devices.IdCard("张三", "310115195001011234", null, null, null, null, null,
                    null, null, pad(MAX_DEVICE));
            station.send(new ClientMessage.IdCardRead("p-1", callId, withPhoto));
            ServerMessage.Error e = expectError(station, ErrorCode.PAYLOAD_TOO_LARGE, "p-1");
            assertThat(e.callId()).isEqualTo(callId);
            assertThat(e.message()).as("no personal data echoed").doesNotContain("310115");
            station.send(new ClientMessage.BarcodeScan("p-2", callId, new Devices.Barcode(pad(2000), "qr")));
            expectError(station, ErrorCode.PAYLOAD_TOO_LARGE, "p-2");
            station.send(new ClientMessage.BarcodeScan("p-3", callId, new Devices.Barcode(pad(450), "qr")));
            // 450 characters plus the envelope stay under 1024: forwarded.
            assertThat(station.expect(ServerMessage.Ok.class).re()).isEqualTo("p-3");
            assertThat(agent.expect(ServerMessage.BarcodeScan.class).barcode().code()).hasSize(450);
            station.expectNothing(Duration.ofMillis(200));
            // A card within the limit goes through.
            station.send(new ClientMessage.IdCardRead("p-4", callId, CARD));
            assertThat(station.expect(ServerMessage.Ok.class).re()).isEqualTo("p-4");
            assertThat(agent.expect(ServerMessage.IdCardRead.class).card()).isEqualTo(CARD);
            talkAndHangUp(station, agent, callId);
        }
    }

    // ---------------------------------------------------------------- answered only on failure

    @Test
    void aRequestWithoutAnIdIsAnsweredOnlyWhenItFails() throws Exception {
        start();
        try (WsClient agent = server.availableAgent("ag-mi-01");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = connect(station, agent, "MI-001");
            station.send(new ClientMessage.Sdp(null, callId, OFFER));
            agent.await(ServerMessage.Sdp.class);
            station.send(new ClientMessage.Ping(null, station.lastSeq()));
            assertThat(station.expect(ServerMessage.Pong.class).re()).isNull();
            station.expectNothing(Duration.ofMillis(150));
            station.send(new ClientMessage.CallCancel(null, callId));
            ServerMessage.Error e = station.expect(ServerMessage.Error.class);
            assertThat(e.re()).isNull();
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
            assertThat(e.callId()).isEqualTo(callId);
        }
    }

    // ---------------------------------------------------------------- sign-in

    @Test
    void aSecondHelloIsAlreadySignedIn() throws Exception {
        start();
        try (WsClient c = server.signIn("st-test-01", Role.STATION)) {
            String sessionId = c.welcome().sessionId();
            c.send(new ClientMessage.Hello("h-2", server.token("st-test-01", Role.STATION), null));
            expectError(c, ErrorCode.ALREADY_SIGNED_IN, "h-2");
            c.send(new ClientMessage.Hello("h-3", server.token("st-test-02", Role.STATION), null));
            expectError(c, ErrorCode.ALREADY_SIGNED_IN, "h-3");
            assertAlive(c);
            // Still the same session and identity: a call request is the first station's.
            String callId = request(c, "HF-001");
            assertThat(server.callLog(callId).get(0).get("stationId").asText()).isEqualTo("st-test-01");
            assertThat(c.welcome().sessionId()).isEqualTo(sessionId);
        }
    }

    @Test
    void aMessageBeforeHelloIsNotSignedInAndCloses() throws Exception {
        start();
        try (WsClient c = server.connect()) {
            c.send(new ClientMessage.Ping("early", 0));
            expectError(c, ErrorCode.NOT_SIGNED_IN, "early");
            assertThat(c.awaitClose()).isEqualTo(1008);
        }
        try (WsClient c = server.connect()) {
            c.send(new ClientMessage.CallRequest("early-2", "MI-001", false));
            expectError(c, ErrorCode.NOT_SIGNED_IN, "early-2");
            assertThat(c.awaitClose()).isEqualTo(1008);
        }
        try (WsClient c = server.connect()) {
            c.sendRaw("{garbage");
            expectError(c, ErrorCode.BAD_JSON, null);
            assertThat(c.awaitClose()).as("garbage instead of hello closes too").isEqualTo(1008);
        }
        // Nothing was queued by the early call request.
        try (WsClient station = server.signIn("st-test-01", Role.STATION)) {
            station.expectNothing(Duration.ofMillis(100));
        }
        assertThat(Files.exists(server.dataDir().resolve("calls.jsonl"))
                ? server.callLog() : List.of()).isEmpty();
    }

    @Test
    void noHelloWithinTheTimeoutCloses() throws Exception {
        start(SHORT_HELLO_TIMEOUT);
        long started = System.nanoTime();
        try (WsClient c = server.connect()) {
            expectError(c, ErrorCode.HELLO_TIMEOUT, null);
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertThat(ms).isBetween(450L, 3_000L);
            assertThat(c.awaitClose()).isEqualTo(1008);
        }
        // A client that signs in in time is not affected by the timer.
        try (WsClient c = server.signIn("st-test-01", Role.STATION)) {
            c.expectNothing(Duration.ofMillis(500));
            assertAlive(c);
        }
    }

    // ---------------------------------------------------------------- flood

    @Test
    void aFloodIsRateLimitedThenClosedWhileAnotherCallCarriesOn() throws Exception {
        start(Map.of("DOORSTEP_LIMITS_MESSAGES_PER_SECOND", "5", "DOORSTEP_LIMITS_BURST", "5"));
        try (WsClient station = server.signIn("st-test-01", Role.STATION);
             WsClient flooder = server.signIn("st-test-02", Role.STATION);
             WsClient garbage = server.signIn("st-test-03", Role.STATION)) {
            String callId = request(station, "MI-001");

            // A burst beyond the limit: every message is answered, the ones over the limit with RATE_LIMITED.
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= 9; i++) {
                ids.add("f-" + i);
                flooder.send(new ClientMessage.Ping("f-" + i, 0));
            }
            Set<String> answered = new HashSet<>();
            int limited = 0;
            for (int i = 0; i < ids.size(); i++) {
                ServerMessage m = flooder.next(WsClient.WAIT);
                if (m instanceof ServerMessage.Error e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(answered.add(e.re())).isTrue();
                    limited++;
                } else {
                    assertThat(m).isInstanceOf(ServerMessage.Pong.class);
                    assertThat(answered.add(((ServerMessage.Pong) m).re())).isTrue();
                }
            }
            assertThat(answered).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(limited).as("burst 5, one token spent on hello").isGreaterThanOrEqualTo(4);

            // Keep flooding: closed with policy violation.
            floodUntilClosed(flooder, i -> new String(CODEC.encode(new ClientMessage.Ping("g-" + i, 0)),
                    StandardCharsets.UTF_8));
            assertThat(flooder.awaitClose()).isEqualTo(1008);
            // A flood of garbage is no different.
            floodUntilClosed(garbage, i -> "{not json " + i);
            assertThat(garbage.awaitClose()).isEqualTo(1008);

            // The other station's call carries on normally.
            station.expectNothing(Duration.ofMillis(100));
            try (WsClient agent = server.availableAgent("ag-mi-01")) {
                assertThat(agent.await(ServerMessage.CallOffer.class).callId()).isEqualTo(callId);
                agent.send(new ClientMessage.CallAccept("a", callId));
                agent.await(ServerMessage.CallConnected.class);
                station.await(ServerMessage.CallConnected.class);
                station.send(new ClientMessage.CallHangup("h", callId, null));
                assertThat(station.await(ServerMessage.CallEnded.class).reason()).isEqualTo(EndReason.COMPLETED);
                assertThat(agent.await(ServerMessage.CallEnded.class).reason()).isEqualTo(EndReason.COMPLETED);
            }
            assertCallLogIntact(callId, "queued", "offered", "connected", "ended");
        }
    }

    /**
     * Sends frames until the server closes the connection. Paced a little, so that the close frame is read before the
     * next frame reaches the closed socket: a frame arriving there makes the kernel answer with a reset, which can
     * overtake the close frame (the reply race docs/protocol.md 3.3 mentions). 10 ms apart is still 100 per second,
     * twenty times the limit.
     */
    private static void floodUntilClosed(WsClient c, IntFunction<String> frame)
            throws InterruptedException {
        for (int i = 0; i < 200 && !c.isClosed(); i++) {
            try {
                c.sendRaw(frame.apply(i));
            } catch (RuntimeException e) {
                break; // the server closed the connection under us
            }
            Thread.sleep(10);
        }
    }

    /** Every line of the call log is a JSON object; the call's lines are exactly these events. */
    private void assertCallLogIntact(String callId, String... events) throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(server.dataDir().resolve("calls.jsonl"))) {
            JsonNode n = json.readTree(line);
            assertThat(n.isObject()).as(line).isTrue();
            assertThat(n.get("callId").asText()).startsWith("c-");
            assertThat(n.get("ts").asLong()).isPositive();
        }
        assertThat(server.callLog(callId)).extracting(n -> n.get("event").asText()).containsExactly(events);
    }

    // ---------------------------------------------------------------- all of it at once

    @Test
    void afterAllTheAbuseTheQueueIsIntactAndAFullCallWorks() throws Exception {
        start(SHORT_HELLO_TIMEOUT);
        try (WsClient station = server.signIn("st-test-01", Role.STATION);
             WsClient intruder = server.signIn("st-test-02", Role.STATION);
             WsClient wrongSkill = agent("ag-pe-01");
             WsClient operator = server.signIn("op-test-01", Role.OPERATOR)) {
            String callId = request(station, "MI-001");
            String other = request(intruder, "HF-001");

            // From the station itself.
            station.sendRaw("{oops");
            expectError(station, ErrorCode.BAD_JSON, null);
            station.send(new ClientMessage.CallRequest("dup", "MI-002", false));
            expectError(station, ErrorCode.ALREADY_IN_CALL, "dup");
            station.sendRaw("{\"type\":\"ping\",\"pad\":\"" + pad(MAX_FRAME) + "\"}");
            expectError(station, ErrorCode.FRAME_TOO_LARGE, null);
            station.send(new ClientMessage.Sdp("early-sdp", callId, OFFER));
            expectError(station, ErrorCode.INVALID_STATE, "early-sdp");
            // From another station, about this call.
            intruder.send(new ClientMessage.CallCancel("x-1", callId));
            expectError(intruder, ErrorCode.NOT_IN_CALL, "x-1");
            intruder.send(new ClientMessage.CallAccept("x-2", callId));
            expectError(intruder, ErrorCode.FORBIDDEN, "x-2");
            intruder.sendBinary(new byte[] {1, 2, 3});
            expectError(intruder, ErrorCode.UNSUPPORTED_FRAME, null);
            intruder.sendRaw("{\"type\":\"call.request\",\"id\":\"x-3\",\"priority\":\"yes\",\"serviceItem\":\"MI-001\"}");
            expectError(intruder, ErrorCode.INVALID_FIELD, "x-3");
            // From an agent without the skill, and an operator.
            wrongSkill.send(new ClientMessage.CallAccept("w-1", callId));
            expectError(wrongSkill, ErrorCode.INVALID_STATE, "w-1");
            wrongSkill.send(new ClientMessage.CallHangup("w-2", callId, null));
            expectError(wrongSkill, ErrorCode.NOT_IN_CALL, "w-2");
            operator.send(new ClientMessage.CallCancel("o-1", callId));
            expectError(operator, ErrorCode.FORBIDDEN, "o-1");
            // From connections that never sign in properly.
            try (WsClient anon = server.connect()) {
                anon.send(new ClientMessage.CallCancel("a-1", callId));
                expectError(anon, ErrorCode.NOT_SIGNED_IN, "a-1");
            }
            try (WsClient forged = server.connect()) {
                forged.send(new ClientMessage.Hello("a-2", "not.a.token", null));
                expectError(forged, ErrorCode.TOKEN_INVALID, "a-2");
            }
            try (WsClient silent = server.connect()) {
                expectError(silent, ErrorCode.HELLO_TIMEOUT, null);
            }

            // The queue: both calls still waiting, in their own queues.
            station.expectNothing(Duration.ofMillis(100));
            JsonNode snapshot = snapshot();
            assertThat(snapshot.at("/queues/medical-insurance/length").asInt()).isEqualTo(1);
            assertThat(snapshot.at("/queues/housing-fund/length").asInt()).isEqualTo(1);
            assertThat(snapshot.get("calls")).extracting(n -> n.get("id").asText())
                    .containsExactlyInAnyOrder(callId, other);

            // A full call still works.
            try (WsClient agent = server.availableAgent("ag-mi-01")) {
                ServerMessage.CallOffer offer = agent.await(ServerMessage.CallOffer.class);
                assertThat(offer.callId()).isEqualTo(callId);
                assertThat(offer.station().id()).isEqualTo("st-test-01");
                agent.send(new ClientMessage.CallAccept("ok", callId));
                assertThat(agent.await(ServerMessage.CallConnected.class).re()).isEqualTo("ok");
                station.await(ServerMessage.CallConnected.class);
                talkAndHangUp(station, agent, callId);
            }
            assertCallLogIntact(callId, "queued", "offered", "connected", "ended");
            assertThat(server.callLog(other)).extracting(n -> n.get("event").asText()).containsExactly("queued");
        }
    }

    private JsonNode snapshot() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        server.httpUri("/api/snapshot"))
                .header("Authorization", "Bearer " + server.token("op-test-01", Role.OPERATOR)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(res.body());
    }
}
