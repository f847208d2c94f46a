package io.doorstep.signalling.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.server.RelayApp;
import io.doorstep.signalling.RelayEnvironment;
import io.doorstep.signalling.TestServer;
import io.doorstep.signalling.WsClient;
import io.doorstep.signalling.cluster.RedisExtension;
import io.doorstep.signalling.cluster.RedisKeys;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents and print jobs with the parties on two nodes and a real relay posting its events to only one of them:
 * both parties hear of a document, a party signing in again on the other node gets the call's documents, an event
 * posted again to the other node is applied once, and a print job requested through one node is confirmed through
 * the other.
 */
class DocumentsAcrossNodesTest {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();
    private static final String SECRET = "documents-across-nodes-secret-0123456789abcdef";

    @TempDir
    Path relayDir;

    private static Map<String, String> node(RedisKeys keys, String nodeId, String documentsUrl) {
        return Map.of("DOORSTEP_CLUSTER_STATE", "redis", "DOORSTEP_CLUSTER_REDIS_URI", RedisExtension.URI,
                "DOORSTEP_CLUSTER_KEY_PREFIX", keys.prefix(), "DOORSTEP_CLUSTER_NODE_ID", nodeId,
                "DOORSTEP_ROUTING_WRAP_UP", "0s", "DOORSTEP_DOCUMENTS_TOKEN_SECRET", SECRET,
                "DOORSTEP_DOCUMENTS_URL", documentsUrl, "DOORSTEP_DOCUMENTS_PROGRESS_INTERVAL", "1h");
    }

    @Test
    void theDocumentsAndPrintJobsOfACallAreTheSameOnEveryNode() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        int documentsPort = freePort();
        String url = "http://127.0.0.1:" + documentsPort + "/files/";
        Tus tus = new Tus(url);
        try (TestServer a = TestServer.start(node(keys, "a", url));
             TestServer b = TestServer.start(node(keys, "b", url));
             RelayApp relay = relayPostingTo(b, documentsPort);
             WsClient station = a.signIn("st-test-01", Role.STATION);
             WsClient agent = b.availableAgent("ag-mi-01")) {
            String callId = TestServer.connectedCall(station, agent, "MI-001");

            byte[] form = Tus.pdf(20_000);
            String agentToken = token(agent, callId);
            String id = tus.create(agentToken, form.length, "申请表.pdf", "application/pdf", 1, "agent-form");
            assertThat(tus.patch(agentToken, id, 0, form, 0, form.length).statusCode()).isEqualTo(204);
            ServerMessage.DocumentCompleted completed = new ServerMessage.DocumentCompleted(callId, id,
                    "application/pdf", form.length, Tus.sha256(form));
            for (WsClient party : List.of(station, agent)) { // the relay told node b only
                assertThat(party.await(ServerMessage.DocumentOffered.class).documentId()).isEqualTo(id);
                assertThat(party.await(ServerMessage.DocumentCompleted.class)).isEqualTo(completed);
            }

            String retried = "{\"eventId\":\"e-retried\",\"event\":\"created\",\"at\":0,\"documentId\":"
                    + "\"BBBBBBBBBBBBBBBBBBBBBBBB\",\"callId\":\"" + callId + "\",\"length\":10,\"offset\":0,"
                    + "\"byRole\":\"station\"}";
            assertThat(new EventPoster(a.httpUri("/internal/documents/events")).signed(SECRET, retried).statusCode())
                    .isEqualTo(202);
            assertThat(new EventPoster(b.httpUri("/internal/documents/events")).signed(SECRET, retried).statusCode())
                    .as("the relay retrying through another node").isEqualTo(202);
            for (WsClient party : List.of(station, agent)) {
                assertThat(party.await(ServerMessage.DocumentOffered.class).documentId())
                        .isEqualTo("BBBBBBBBBBBBBBBBBBBBBBBB");
                assertThat(party.drain(Duration.ofMillis(500))).as("applied once")
                        .noneMatch(m -> m instanceof ServerMessage.DocumentOffered);
            }

            try (WsClient agentOnA = a.signIn("ag-mi-01", Role.AGENT)) {
                agent.await(ServerMessage.SessionReplaced.class);
                agentOnA.await(ServerMessage.CallConnected.class);
                assertThat(agentOnA.await(ServerMessage.DocumentOffered.class, d -> d.documentId().equals(id)))
                        .isEqualTo(new ServerMessage.DocumentOffered(callId, id, "申请表.pdf", "application/pdf", 1,
                                "agent-form", Role.AGENT, form.length));
                assertThat(agentOnA.await(ServerMessage.DocumentCompleted.class)).isEqualTo(completed);

                agentOnA.send(new ClientMessage.PrintRequest("p1", callId, "job-1", id, 1));
                assertThat(agentOnA.await(ServerMessage.Ok.class).re()).isEqualTo("p1");
                station.await(ServerMessage.PrintJob.class);

                try (WsClient stationOnB = b.signIn("st-test-01", Role.STATION)) {
                    stationOnB.await(ServerMessage.CallConnected.class);
                    stationOnB.send(new ClientMessage.PrintResult("r1", callId, "job-1", PrintStatus.PRINTED, null));
                    assertThat(stationOnB.await(ServerMessage.Ok.class).re())
                            .as("node b knows the job node a sent").isEqualTo("r1");
                    assertThat(agentOnA.await(ServerMessage.PrintResult.class)).isEqualTo(
                            new ServerMessage.PrintResult(callId, "job-1", id, PrintStatus.PRINTED, null));

                    stationOnB.send(new ClientMessage.CallHangup(null, callId, null));
                    stationOnB.await(ServerMessage.CallEnded.class);
                    agentOnA.await(ServerMessage.CallEnded.class);
                }
            }
            await("forgotten with the call").atMost(Duration.ofSeconds(5))
                    .until(() -> REDIS.commands().exists(keys.documents(callId), keys.printJobs(callId)) == 0);
        }
    }

    private RelayApp relayPostingTo(TestServer node, int documentsPort) throws InterruptedException {
        Map<String, String> env = RelayEnvironment.of(relayDir.toString(), documentsPort, SECRET);
        env.put("DOORSTEP_DOCUMENTS_EVENTS_URL", node.httpUri("/internal/documents/events").toString());
        RelayApp relay = new RelayApp(RelayConfig.load(null, env));
        relay.start();
        return relay;
    }

    private static String token(WsClient party, String callId) {
        String re = party.nextId();
        party.send(new ClientMessage.DocumentsToken(re, callId));
        return party.await(ServerMessage.DocumentsAccess.class, x -> re.equals(x.re())).token();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
