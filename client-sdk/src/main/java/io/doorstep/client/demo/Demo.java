package io.doorstep.client.demo;

import io.doorstep.client.AgentClient;
import io.doorstep.client.AgentListener;
import io.doorstep.client.ClientOptions;
import io.doorstep.client.DeviceRequest;
import io.doorstep.client.StationClient;
import io.doorstep.client.StationListener;
import io.doorstep.client.devices.GeneratedDocuments;
import io.doorstep.client.devices.Kit;
import io.doorstep.client.devices.SimulatedKit;
import io.doorstep.client.documents.Document;
import io.doorstep.client.documents.DocumentContent;
import io.doorstep.client.media.CallStats;
import io.doorstep.client.media.TestPatternFeed;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A simulated station and a simulated agent in one process, against a running Doorstep ({@code ./doorstep run}):
 * the station asks for a call, the agent takes it, video flows (with {@code --video}), a scan goes across, the
 * agent has the ID card read and a form printed, and the station hangs up. Every step is printed as it happens.
 */
@Command(name = "doorstep-demo", mixinStandardHelpOptions = true, version = "doorstep-demo 0.1.0",
        description = "A simulated station and agent complete one call against a running Doorstep.")
public final class Demo implements Callable<Integer> {
    private static final Duration STEP = Duration.ofSeconds(60);

    @Option(names = "--server", defaultValue = "ws://127.0.0.1:8080/ws", description = "Signalling WebSocket "
            + "(default ${DEFAULT-VALUE}).")
    URI server;

    @Option(names = "--station-token", required = true, description = "Sign-in token of the station.")
    String stationToken;

    @Option(names = "--agent-token", required = true, description = "Sign-in token of an agent with the item's skill.")
    String agentToken;

    @Option(names = "--item", defaultValue = "MR-001", description = "Service item (default ${DEFAULT-VALUE}).")
    String item;

    @Option(names = "--scan-bytes", defaultValue = "3000000", description = "Size of the simulated scan "
            + "(default ${DEFAULT-VALUE}).")
    int scanBytes;

    @Option(names = "--print-folder", defaultValue = "data/printed", description = "Where the simulated printer "
            + "puts its jobs (default ${DEFAULT-VALUE}).")
    Path printFolder;

    @Option(names = "--video", description = "Send test-pattern video both ways through the TURN relay (WebRTC).")
    boolean video;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Demo()).execute(args));
    }

    private static void say(String who, String what) {
        System.out.printf("%-8s %s%n", "[" + who + "]", what);
    }

    @Override
    public Integer call() throws Exception {
        Kit kit = SimulatedKit.create(scanBytes, printFolder, List.of(new Devices.Barcode("MRB-2026-000123", "qr")));
        Station stationEvents = new Station();
        Agent agentEvents = new Agent();
        ClientOptions stationOptions = ClientOptions.builder(server, stationToken).build();
        ClientOptions agentOptions = ClientOptions.builder(server, agentToken).relayOnly(video).build();
        try (TestPatternFeed stationCamera = new TestPatternFeed(320, 240, 15);
             TestPatternFeed agentCamera = new TestPatternFeed(320, 240, 15);
             StationClient station = video ? StationClient.start(stationOptions, kit, stationCamera, stationEvents)
                     : StationClient.start(stationOptions, kit, stationEvents);
             AgentClient agent = video ? AgentClient.start(agentOptions, agentCamera, agentEvents)
                     : AgentClient.start(agentOptions, agentEvents)) {
            return run(station, agent, stationEvents, agentEvents) ? 0 : 1;
        } catch (Exception e) {
            say("demo", "failed: " + e);
            return 1;
        }
    }

    private boolean run(StationClient station, AgentClient agent, Station s, Agent a) throws Exception {
        a.client = agent;
        wait(s.signedIn);
        wait(a.signedIn);
        say("agent", "setting myself available");
        wait(agent.setState(AgentState.AVAILABLE));
        say("station", "asking for a call about " + item + " (priority: an elderly villager)");
        wait(station.requestCall(item, true));
        ServerMessage.CallOffer offer = wait(a.offer);
        say("agent", "accepting");
        wait(agent.accept(offer.callId()));
        wait(s.connected);
        if (video) {
            say("demo", "waiting for video both ways through the relay...");
            waitFor(() -> flowing(station.stats()) && flowing(agent.stats()));
            say("station", describe(station.stats()));
            say("agent", describe(agent.stats()));
        }

        say("station", "scanning page 1 of the household register with the document camera");
        Document scan = wait(station.scan(1, s::progress));
        DocumentContent read = wait(a.read);
        say("agent", "read " + read.bytes().length + " bytes, SHA-256 " + (read.document().sha256()
                .equals(scan.sha256()) ? "matches" : "DIFFERS"));

        say("agent", "asking the station to read the villager's ID card");
        wait(agent.requestIdCard("请把身份证放在读卡器上"));
        wait(a.idCard);

        say("agent", "sending the application form to the station's printer");
        byte[] form = GeneratedDocuments.pdf(List.of("Doorstep - application form", "Service item " + item,
                "Sign here: ____________________"));
        ServerMessage.PrintResult printed = wait(agent.print(form, "application.pdf", 1, (x, y) -> { }));
        say("agent", "print result: " + printed.status().wireName());

        say("station", "hanging up");
        ServerMessage.CallEnded ended = wait(station.hangUp());
        wait(a.ended);
        say("demo", "call " + ended.callId() + " " + ended.reason().name().toLowerCase(Locale.ROOT)
                + "; the call log has every step");
        return printed.status() == PrintStatus.PRINTED;
    }

    private static boolean flowing(CallStats s) {
        return s != null && s.connected() && s.framesDecoded() > 10;
    }

    private static String describe(CallStats s) {
        return String.format("video: %d frames decoded, path %s/%s%s, rtt %.0f ms", s.framesDecoded(),
                s.localCandidateType(), s.remoteCandidateType(),
                s.relayProtocol() == null ? "" : " over " + s.relayProtocol(), s.rttMs());
    }

    private static <T> T wait(CompletableFuture<T> f) throws Exception {
        return f.get(STEP.toSeconds(), TimeUnit.SECONDS);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no video within " + STEP.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /** The station's screen: what its staff would see. */
    private static final class Station implements StationListener {
        final CompletableFuture<Void> signedIn = new CompletableFuture<>();
        final CompletableFuture<Void> connected = new CompletableFuture<>();
        private int lastQuarter = -1;

        @Override
        public void signedIn(ServerMessage.Identity identity, boolean resumed) {
            say("station", (resumed ? "resumed as " : "signed in as ") + identity.name() + " (" + identity.id() + ")");
            signedIn.complete(null);
        }

        @Override
        public void connectionLost(String why, Duration retryIn) {
            say("station", "connection lost (" + why + "), retrying in " + retryIn.toMillis() + " ms");
        }

        @Override
        public void stopped(ErrorCode code, String why) {
            if (code != null) {
                say("station", "stopped: " + code + " " + why);
                signedIn.completeExceptionally(new IllegalStateException(code + ": " + why));
            }
        }

        @Override
        public void queued(ServerMessage.CallQueued q) {
            say("station", "queued: position " + q.position() + ", estimated wait "
                    + (q.estimatedWaitSeconds() == null ? "unknown" : q.estimatedWaitSeconds() + " s")
                    + (q.ringing() ? ", ringing at an agent" : ""));
        }

        @Override
        public void connected(ServerMessage.CallConnected c) {
            say("station", "connected to " + c.peer().name() + " (ICE policy " + c.iceTransportPolicy() + ")");
            connected.complete(null);
        }

        void progress(long sent, long length) {
            int quarter = (int) (4 * sent / Math.max(1, length));
            if (quarter != lastQuarter) {
                lastQuarter = quarter;
                say("station", "upload " + (100 * sent / Math.max(1, length)) + "% (" + sent + "/" + length + ")");
            }
        }

        @Override
        public void deviceRequested(DeviceRequest request) {
            say("station", "staff prompt: \"" + request.prompt() + "\" → using the " + request.device().wireName());
            request.perform();
        }

        @Override
        public void printed(String jobId, PrintStatus status, String reason) {
            say("station", "print job " + jobId + ": " + status.wireName()
                    + (reason == null ? "" : " (" + reason + ")"));
        }

        @Override
        public void ended(ServerMessage.CallEnded end) {
            say("station", "call ended: " + end.reason().name().toLowerCase(Locale.ROOT));
        }
    }

    /** The agent's console. */
    private static final class Agent implements AgentListener {
        final CompletableFuture<Void> signedIn = new CompletableFuture<>();
        final CompletableFuture<ServerMessage.CallOffer> offer = new CompletableFuture<>();
        final CompletableFuture<DocumentContent> read = new CompletableFuture<>();
        final CompletableFuture<Void> idCard = new CompletableFuture<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        volatile AgentClient client;

        @Override
        public void signedIn(ServerMessage.Identity identity, boolean resumed) {
            say("agent", (resumed ? "resumed as " : "signed in as ") + identity.name() + " (" + identity.id() + ")");
            signedIn.complete(null);
        }

        @Override
        public void stopped(ErrorCode code, String why) {
            if (code != null) {
                say("agent", "stopped: " + code + " " + why);
                signedIn.completeExceptionally(new IllegalStateException(code + ": " + why));
            }
        }

        @Override
        public void stateChanged(ServerMessage.AgentStateChanged s) {
            say("agent", "state " + s.state().name().toLowerCase(Locale.ROOT)
                    + (s.cause() == null ? "" : " (" + s.cause() + ")"));
        }

        @Override
        public void offered(ServerMessage.CallOffer o) {
            say("agent", "ringing: " + o.station().name() + " needs " + o.serviceItem().nameEn()
                    + (o.priority() ? " [priority]" : "") + ", waited " + o.waitedMs() + " ms");
            offer.complete(o);
        }

        @Override
        public void document(Document d) {
            if (d.uploadedBy() != Role.STATION) {
                return;
            }
            if (d.status() == Document.Status.UPLOADING && d.received() == 0) {
                say("agent", "document " + d.id() + " offered (" + d.length() + " bytes from the " + d.device()
                        + "), reading it while it uploads");
                client.read(d.id()).whenComplete((content, error) -> {
                    if (error == null) {
                        read.complete(content);
                    } else {
                        read.completeExceptionally(error);
                    }
                });
            } else if (d.status() == Document.Status.COMPLETED) {
                say("agent", "document " + d.id() + " complete: " + d.mediaType() + ", SHA-256 " + d.sha256());
            }
        }

        @Override
        public void idCard(ServerMessage.IdCardRead r) {
            // Personal data: the console shows it to the agent; the demo prints only that it came.
            say("agent", "ID card read received (shown to the agent, never logged)");
            idCard.complete(null);
        }

        @Override
        public void ended(ServerMessage.CallEnded end) {
            say("agent", "call ended: " + end.reason().name().toLowerCase(Locale.ROOT) + ", wrap-up follows");
            ended.complete(null);
        }

        @Override
        public void printResult(ServerMessage.PrintResult r) {
            say("agent", "the station reports job " + r.jobId() + ": " + r.status().wireName());
        }
    }
}
