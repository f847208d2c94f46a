package io.doorstep.signalling.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.doorstep.documents.DocumentPermission;
import io.doorstep.documents.DocumentRole;
import io.doorstep.documents.DocumentTokens;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.signalling.RelayEnvironment;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Documents through a real relay and a real signalling server over loopback sockets: the relay posts its events to
 * the signalling server, which tells both parties and writes the call log; print jobs go agent → station → agent.
 */
class DocumentRelayTest {
    static final String SECRET = "document-secret-for-tests-0123456789abcdef";
    private static final Duration QUIET = Duration.ofMillis(300);

    static TestServer server;
    static RelayApp relay;
    static Path relayDir;
    static Tus tus;

    @BeforeAll
    static void start() throws Exception {
        int documentsPort = freePort();
        String url = "http://127.0.0.1:" + documentsPort + "/files/";
        server = TestServer.start(Map.of("DOORSTEP_DOCUMENTS_TOKEN_SECRET", SECRET, "DOORSTEP_DOCUMENTS_URL", url,
                "DOORSTEP_DOCUMENTS_PROGRESS_INTERVAL", "1h", "DOORSTEP_ROUTING_WRAP_UP", "0s",
                "DOORSTEP_DOCUMENTS_CALL_ENDS_URL", "http://127.0.0.1:" + documentsPort + "/internal/calls/ended"));
        relayDir = Files.createTempDirectory("doorstep-relay-test");
        relay = new RelayApp(RelayConfig.load(null, relayEnvironment(documentsPort)));
        relay.start();
        tus = new Tus(url);
    }

    @AfterAll
    static void stop() {
        relay.close();
        server.close();
    }

    private static Map<String, String> relayEnvironment(int documentsPort) {
        Map<String, String> env = RelayEnvironment.of(relayDir.toString(), documentsPort, SECRET);
        env.put("DOORSTEP_DOCUMENTS_EVENTS_URL", server.httpUri("/internal/documents/events").toString());
        return env;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aScanReachesBothPartiesWithItsHashAndTheAgentReadsIt() throws Exception {
        inCall((station, agent, callId) -> {
            String stationToken = freshToken(station, callId);
            byte[] scan = Tus.jpeg(300_000);

            String id = tus.create(stationToken, scan.length, "户口簿.jpg", "image/jpeg", 1, "document-camera");
            for (WsClient party : List.of(station, agent)) {
                ServerMessage.DocumentOffered offered = party.await(ServerMessage.DocumentOffered.class);
                assertThat(offered).isEqualTo(new ServerMessage.DocumentOffered(callId, id, "户口簿.jpg", null, 1,
                        "document-camera", Role.STATION, scan.length));
            }
            assertThat(tus.patch(stationToken, id, 0, scan, 0, 100_000).statusCode()).isEqualTo(204);
            assertThat(tus.patch(stationToken, id, 100_000, scan, 100_000, 200_000).statusCode()).isEqualTo(204);
            assertThat(tus.patch(stationToken, id, 200_000, scan, 200_000, scan.length).statusCode()).isEqualTo(204);

            for (WsClient party : List.of(station, agent)) {
                Heard heard = untilCompleted(party);
                assertThat(heard.progress()).as("one progress per interval (1h here): the first").hasSize(1);
                ServerMessage.DocumentProgress progress = (ServerMessage.DocumentProgress) heard.progress().get(0);
                assertThat(progress.offset()).isBetween(1L, 100_000L);
                assertThat(progress.length()).isEqualTo(scan.length);
                assertThat(heard.completed()).isEqualTo(
                        new ServerMessage.DocumentCompleted(callId, id, "image/jpeg", scan.length, Tus.sha256(scan)));
            }
            String agentToken = freshToken(agent, callId);
            assertThat(tus.read(agentToken, id)).isEqualTo(scan);

            await().atMost(Duration.ofSeconds(5)).until(() -> events(callId).contains("document.read"));
            assertThat(events(callId)).containsSubsequence("connected", "document.created", "document.completed",
                    "document.read");
            JsonNode completed = entry(callId, "document.completed");
            assertThat(completed.path("sha256").asText()).isEqualTo(Tus.sha256(scan));
            assertThat(completed.path("documentId").asText()).isEqualTo(id);
            assertThat(entry(callId, "document.created").path("by").asText()).isEqualTo("st-test-01");
            assertThat(entry(callId, "document.read").path("by").asText()).isEqualTo("ag-mi-01");
            assertThat(server.callLog(callId).toString()).as("no file name in the call log").doesNotContain("户口簿");
        });
    }

    /** The relay learns when the call ended (retention counts from then): it is recorded with the call's document. */
    @Test
    void theRelayIsToldWhenTheCallEnded() throws Exception {
        String[] document = new String[1];
        long before = System.currentTimeMillis();
        inCall((station, agent, callId) -> {
            byte[] scan = Tus.jpeg(2_000);
            String token = freshToken(station, callId);
            document[0] = tus.create(token, scan.length, "c.jpg", "image/jpeg", 1, "document-camera");
            assertThat(tus.patch(token, document[0], 0, scan, 0, scan.length).statusCode()).isEqualTo(204);
        });
        Path record = relayDir.resolve("documents").resolve(document[0] + ".json");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(record).matches("(?s).*\"callEndedAt\":\\d.*"));
        long endedAt = new com.fasterxml.jackson.databind.ObjectMapper().readTree(record.toFile())
                .path("callEndedAt").asLong();
        assertThat(endedAt).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void aTokenOfAnotherCallIsRefusedByTheRelay() throws Exception {
        inCall((station, agent, callId) -> {
            byte[] scan = Tus.jpeg(2_000);
            String id = tus.create(freshToken(station, callId), scan.length, "a.jpg", "image/jpeg", 1,
                    "document-camera");
            String otherCall = new DocumentTokens(SECRET.getBytes(StandardCharsets.UTF_8), Clock.systemUTC())
                    .issue("ag-mi-01", "c-another-call", DocumentRole.AGENT,
                            Set.of(DocumentPermission.UPLOAD, DocumentPermission.READ), Duration.ofMinutes(5));

            assertThat(tus.head(otherCall, id).statusCode()).isEqualTo(403);
            assertThat(tus.patch(otherCall, id, 0, scan, 0, scan.length).statusCode()).isEqualTo(403);
        });
    }

    @Test
    void aTerminatedUploadIsAbandonedAndDeletedForBothParties() throws Exception {
        inCall((station, agent, callId) -> {
            String token = freshToken(station, callId);
            String id = tus.create(token, 50_000, "b.jpg", "image/jpeg", 2, "document-camera");
            byte[] part = Tus.jpeg(10_000);
            assertThat(tus.patch(token, id, 0, part, 0, part.length).statusCode()).isEqualTo(204);

            assertThat(tus.delete(token, id).statusCode()).isEqualTo(204);

            for (WsClient party : List.of(station, agent)) {
                assertThat(party.await(ServerMessage.DocumentAbandoned.class))
                        .isEqualTo(new ServerMessage.DocumentAbandoned(callId, id, "terminated"));
                assertThat(party.await(ServerMessage.DocumentDeleted.class))
                        .isEqualTo(new ServerMessage.DocumentDeleted(callId, id, "terminated"));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> events(callId).contains("document.deleted"));
            assertThat(entry(callId, "document.abandoned").path("reason").asText()).isEqualTo("terminated");
        });
    }

    @Test
    void aPrintJobGoesToTheStationAndItsResultBackToTheAgent() throws Exception {
        inCall((station, agent, callId) -> {
            String agentToken = freshToken(agent, callId);
            byte[] form = Tus.pdf(40_000);
            String id = tus.create(agentToken, form.length, "申请表.pdf", "application/pdf", 1, "agent-form");
            assertThat(station.await(ServerMessage.DocumentOffered.class).uploadedBy()).isEqualTo(Role.AGENT);

            agent.send(new ClientMessage.PrintRequest("early", callId, "job-0", id, 1));
            expectError(agent, "early", ErrorCode.DOCUMENT_NOT_READY);
            assertThat(tus.patch(agentToken, id, 0, form, 0, form.length).statusCode()).isEqualTo(204);
            station.await(ServerMessage.DocumentCompleted.class);
            agent.await(ServerMessage.DocumentCompleted.class);

            agent.send(new ClientMessage.PrintRequest("p1", callId, "job-1", id, 2));
            assertThat(agent.await(ServerMessage.Ok.class).re()).isEqualTo("p1");
            assertThat(station.await(ServerMessage.PrintJob.class)).isEqualTo(new ServerMessage.PrintJob(callId,
                    "job-1", id, 2, "application/pdf", form.length, Tus.sha256(form)));
            agent.send(new ClientMessage.PrintRequest("p2", callId, "job-1", id, 2));
            assertThat(agent.expect(ServerMessage.Ok.class).re()).as("a replayed request").isEqualTo("p2");
            station.expectNothing(QUIET);

            station.send(new ClientMessage.PrintResult("r1", callId, "job-1", PrintStatus.PRINTED, null));
            assertThat(station.expect(ServerMessage.Ok.class).re()).isEqualTo("r1");
            assertThat(agent.expect(ServerMessage.PrintResult.class)).isEqualTo(new ServerMessage.PrintResult(callId,
                    "job-1", id, PrintStatus.PRINTED, null));
            station.send(new ClientMessage.PrintResult("r2", callId, "job-1", PrintStatus.PRINTED, null));
            assertThat(station.expect(ServerMessage.Ok.class).re()).as("a replayed result").isEqualTo("r2");
            agent.expectNothing(QUIET);
            station.send(new ClientMessage.PrintResult("r3", callId, "job-1", PrintStatus.FAILED, "paper jam"));
            expectError(station, "r3", ErrorCode.INVALID_STATE);

            JsonNode requested = entry(callId, "print.requested");
            assertThat(requested.path("jobId").asText()).isEqualTo("job-1");
            assertThat(requested.path("copies").asInt()).isEqualTo(2);
            assertThat(requested.path("by").asText()).isEqualTo("ag-mi-01");
            assertThat(requested.path("sha256").asText()).isEqualTo(Tus.sha256(form));
            JsonNode result = entry(callId, "print.result");
            assertThat(result.path("status").asText()).isEqualTo("printed");
            assertThat(result.path("by").asText()).isEqualTo("st-test-01");
            assertThat(result.path("sha256").asText()).isEqualTo(Tus.sha256(form));
            assertThat(events(callId).stream().filter(e -> e.startsWith("print.")))
                    .containsExactly("print.requested", "print.result");
        });
    }

    @Test
    void printJobsOfUnknownDocumentsJobsCallsAndRolesAreRefused() throws Exception {
        try (WsClient agent = server.availableAgent("ag-mi-01");
             WsClient other = server.availableAgent("ag-mi-02");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");

            agent.send(new ClientMessage.PrintRequest("u1", callId, "job-1", "AAAAAAAAAAAAAAAAAAAAAAAA", 1));
            expectError(agent, "u1", ErrorCode.UNKNOWN_DOCUMENT);
            station.send(new ClientMessage.PrintResult("u2", callId, "job-9", PrintStatus.PRINTED, null));
            expectError(station, "u2", ErrorCode.UNKNOWN_PRINT_JOB);
            other.send(new ClientMessage.PrintRequest("u3", callId, "job-1", "AAAAAAAAAAAAAAAAAAAAAAAA", 1));
            expectError(other, "u3", ErrorCode.NOT_IN_CALL);
            other.send(new ClientMessage.DocumentsToken("u4", callId));
            expectError(other, "u4", ErrorCode.NOT_IN_CALL);
            station.send(new ClientMessage.PrintRequest("u5", callId, "job-1", "AAAAAAAAAAAAAAAAAAAAAAAA", 1));
            expectError(station, "u5", ErrorCode.FORBIDDEN);
            agent.send(new ClientMessage.PrintResult("u6", callId, "job-1", PrintStatus.PRINTED, null));
            expectError(agent, "u6", ErrorCode.FORBIDDEN);
            station.sendRaw("{\"type\":\"print.result\",\"id\":\"u7\",\"callId\":\"" + callId
                    + "\",\"jobId\":\"job-1\",\"status\":\"failed\"}");
            expectError(station, "u7", ErrorCode.INVALID_FIELD);
            hangUp(station, agent, callId);
        }
    }

    @Test
    void documentEventsMustBeSignedWithTheDocumentSecret() throws Exception {
        inCall((station, agent, callId) -> {
            String event = "{\"eventId\":\"e-1\",\"event\":\"created\",\"at\":0,\"documentId\":\"AAAAAAAAAAAAAAAAAAAAAAAA\","
                    + "\"callId\":\"" + callId + "\",\"length\":10,\"offset\":0,\"byRole\":\"station\"}";
            EventPoster poster = new EventPoster(server.httpUri("/internal/documents/events"));

            assertThat(poster.unsigned(event).statusCode()).isEqualTo(401);
            assertThat(poster.signed("another-secret-0123456789abcdef-xyz", event).statusCode()).isEqualTo(401);
            assertThat(poster.get().statusCode()).isEqualTo(405);
            assertThat(poster.signed(SECRET, "{\"event\":").statusCode()).isEqualTo(400);
            assertThat(poster.signed(SECRET, event.replace("\"created\"", "\"stolen\"")).statusCode()).isEqualTo(400);
            station.expectNothing(QUIET);

            assertThat(poster.signed(SECRET, event).statusCode()).isEqualTo(202);
            assertThat(poster.signed(SECRET, event).statusCode()).as("the same event again").isEqualTo(202);
            assertThat(station.expect(ServerMessage.DocumentOffered.class).documentId())
                    .isEqualTo("AAAAAAAAAAAAAAAAAAAAAAAA");
            station.expectNothing(QUIET);
            String metrics = metrics();
            assertThat(metrics).contains("doorstep_document_events_total{outcome=\"unauthenticated\"} 2.0")
                    .contains("doorstep_document_events_total{outcome=\"invalid\"} 2.0");
        });
    }

    @Test
    void aPartyThatComesBackGetsAFreshToken() throws Exception {
        try (WsClient agent = server.availableAgent("ag-mi-01");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            station.close();
            try (WsClient again = server.signIn("st-test-01", Role.STATION)) {
                again.await(ServerMessage.CallConnected.class);
                ServerMessage.DocumentsAccess access = again.await(ServerMessage.DocumentsAccess.class);
                assertThat(access.callId()).isEqualTo(callId);
                assertThat(tus.head(access.token(), "AAAAAAAAAAAAAAAAAAAAAAAA").statusCode())
                        .as("the token is good: the relay looks for the document").isEqualTo(404);
                hangUp(again, agent, callId);
            }
        }
    }

    private interface InCall {
        void run(WsClient station, WsClient agent, String callId) throws Exception;
    }

    /** Runs {@code test} in a call of st-test-01 with ag-mi-01, connected before and hung up after. */
    private static void inCall(InCall test) throws Exception {
        try (WsClient agent = server.availableAgent("ag-mi-01");
             WsClient station = server.signIn("st-test-01", Role.STATION)) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");
            test.run(station, agent, callId);
            hangUp(station, agent, callId);
        }
    }

    private static String metrics() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.httpUri("/metrics"))
                        .timeout(Duration.ofSeconds(5))
                        .header("Authorization", "Bearer " + server.token("op-test-01", Role.OPERATOR)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static String freshToken(WsClient party, String callId) {
        String re = party.nextId();
        party.send(new ClientMessage.DocumentsToken(re, callId));
        ServerMessage.DocumentsAccess access = party.await(ServerMessage.DocumentsAccess.class,
                a -> re.equals(a.re()));
        assertThat(access.url()).isEqualTo(tus.url());
        return access.token();
    }

    private record Heard(List<ServerMessage> progress, ServerMessage.DocumentCompleted completed) {
    }

    /** The document.progress messages up to document.completed, and that. */
    private static Heard untilCompleted(WsClient party) {
        List<ServerMessage> progress = new ArrayList<>();
        while (true) {
            ServerMessage m = party.next(WsClient.WAIT);
            if (m instanceof ServerMessage.DocumentCompleted c) {
                return new Heard(progress, c);
            }
            if (m instanceof ServerMessage.DocumentProgress) {
                progress.add(m);
            }
        }
    }

    private static void expectError(WsClient client, String re, ErrorCode code) {
        ServerMessage.Error e = client.await(ServerMessage.Error.class, m -> re.equals(m.re()));
        assertThat(e.code()).as(e.message()).isEqualTo(code);
    }

    private static List<String> events(String callId) {
        return server.callLog(callId).stream().map(n -> n.path("event").asText()).toList();
    }

    private static JsonNode entry(String callId, String event) {
        return server.callLog(callId).stream().filter(n -> n.path("event").asText().equals(event)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + event + " in the call log of " + callId));
    }

    private static void hangUp(WsClient station, WsClient agent, String callId) {
        station.send(new ClientMessage.CallHangup(null, callId, null));
        station.await(ServerMessage.CallEnded.class);
        agent.await(ServerMessage.CallEnded.class);
    }
}
