package io.doorstep.client;

import io.doorstep.client.documents.Document;
import io.doorstep.client.documents.DocumentContent;
import io.doorstep.client.documents.UploadProgress;
import io.doorstep.client.internal.ClientCore;
import io.doorstep.client.internal.call.CallMedia;
import io.doorstep.client.internal.call.WebRtcMedia;
import io.doorstep.client.media.VideoFeed;
import io.doorstep.client.internal.documents.MediaTypes;
import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.ServerMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An agent console: sets itself available, takes offered calls, sees the station's documents arrive and reads them
 * while they upload, asks the station's kit for scans and card reads, sends forms to print, hangs up and wraps up.
 * Connects at {@link #start} and keeps itself connected until {@link #close()}. Methods may be called from any
 * thread; their futures fail with a {@link DoorstepException} when the server refuses.
 */
public final class AgentClient extends CallClient {
    private final AgentListener listener;
    private final Map<String, CompletableFuture<ServerMessage.PrintResult>> printJobs = new ConcurrentHashMap<>();

    private AgentClient(ClientOptions options, AgentListener listener, CallMedia.Factory media) {
        super(options, "agent", media, listener);
        this.listener = listener;
    }

    /** Connects an agent console, without media. It signs in {@code away}. */
    public static AgentClient start(ClientOptions options, AgentListener listener) {
        return start(options, listener, CallMedia.NONE);
    }

    /** Connects an agent console with media: {@code video} (its webcam, or any {@code VideoFeed}) goes out. */
    public static AgentClient start(ClientOptions options, VideoFeed video, AgentListener listener) {
        return start(options, listener, new WebRtcMedia(video, options));
    }

    static AgentClient start(ClientOptions options, AgentListener listener, CallMedia.Factory media) {
        AgentClient client = new AgentClient(options, listener, media);
        client.start(client.new Events());
        return client;
    }

    /** {@code available} (also ends wrap-up) or {@code away}; completes with the state the server set. */
    public CompletableFuture<AgentState> setState(AgentState state) {
        return core.request(id -> new ClientMessage.SetAgentState(id, state))
                .thenApply(m -> ((ServerMessage.AgentStateChanged) m).state());
    }

    /** Ends wrap-up now and takes calls again. */
    public CompletableFuture<AgentState> finishWrapUp() {
        return setState(AgentState.AVAILABLE);
    }

    public CompletableFuture<ServerMessage.CallConnected> accept(String offeredCallId) {
        return core.request(id -> new ClientMessage.CallAccept(id, offeredCallId))
                .thenApply(ServerMessage.CallConnected.class::cast);
    }

    /** Declines the ringing call ({@code reason} is not passed on); it goes to the next agent. */
    public CompletableFuture<Void> reject(String offeredCallId, String reason) {
        return core.request(id -> new ClientMessage.CallReject(id, offeredCallId, reason)).thenApply(ok -> null);
    }

    /** Reads a document of the call (while it uploads, if it does); completes when whole and its hash checked. */
    public CompletableFuture<DocumentContent> read(String documentId) {
        return core.read(documentId);
    }

    /**
     * The document's bytes as they arrive, for showing a scan progressively; close it when done. Blocking: call it
     * from the application's own thread, not from a listener.
     */
    public InputStream open(String documentId) throws IOException, InterruptedException {
        return core.openStream(documentId);
    }

    /**
     * Uploads a form (PDF, JPEG or PNG) and has the station print {@code copies} of it: completes with the
     * station's result (printed, or failed with a reason).
     */
    public CompletableFuture<ServerMessage.PrintResult> print(byte[] form, String filename, int copies,
                                                               UploadProgress progress) {
        String type = MediaTypes.sniff(form);
        if (type == null) {
            return CompletableFuture.failedFuture(new DoorstepException(null, "only PDF, JPEG and PNG print"));
        }
        return core.upload(form, filename, type, 1, "agent-form", progress).thenCompose(d -> printJob(d, copies));
    }

    private CompletableFuture<ServerMessage.PrintResult> printJob(Document form, int copies) {
        String jobId = "job-" + UUID.randomUUID().toString().substring(0, 8);
        CompletableFuture<ServerMessage.PrintResult> result = new CompletableFuture<>();
        printJobs.put(jobId, result);
        return core.request(id -> new ClientMessage.PrintRequest(id, form.callId(), jobId, form.id(), copies))
                .thenCompose(ok -> result)
                .whenComplete((r, e) -> printJobs.remove(jobId));
    }

    /** Asks the station to scan a document (e.g. "the back of the ID card"); it arrives as a document. */
    public CompletableFuture<String> requestScan(String prompt) {
        return requestDevice(Devices.Kind.DOCUMENT_CAMERA, prompt);
    }

    /** Asks the station to read the villager's ID card; it arrives as {@link AgentListener#idCard}. */
    public CompletableFuture<String> requestIdCard(String prompt) {
        return requestDevice(Devices.Kind.IDCARD_READER, prompt);
    }

    /** Asks the station to scan a code; it arrives as {@link AgentListener#barcode}. */
    public CompletableFuture<String> requestBarcode(String prompt) {
        return requestDevice(Devices.Kind.BARCODE_SCANNER, prompt);
    }

    /** Completes with the request id (which a {@code device.declined} names) once the station has it. */
    private CompletableFuture<String> requestDevice(Devices.Kind device, String prompt) {
        String requestId = "dr-" + UUID.randomUUID().toString().substring(0, 8);
        return ClientCore.withCall(callId(), c -> core.request(id -> new ClientMessage.DeviceRequest(id, c, requestId,
                device, prompt)).thenApply(ok -> requestId));
    }

    /** Print jobs of the call that ended will never be reported. */
    @Override
    void callEnded() {
        printJobs.values().forEach(f -> f.completeExceptionally(
                new DoorstepException(null, "the call ended before the station reported the print")));
    }

    private final class Events implements ClientCore.Role {
        @Override
        public void message(ServerMessage m) {
            if (m instanceof ServerMessage.AgentStateChanged s) {
                listener.stateChanged(s);
            } else if (m instanceof ServerMessage.CallOffer o) {
                listener.offered(o);
            } else if (m instanceof ServerMessage.OfferWithdrawn w) {
                listener.offerWithdrawn(w);
            } else if (m instanceof ServerMessage.IdCardRead r) {
                listener.idCard(r);
            } else if (m instanceof ServerMessage.BarcodeScan b) {
                listener.barcode(b);
            } else if (m instanceof ServerMessage.DeviceDeclined d) {
                listener.deviceDeclined(d);
            } else if (m instanceof ServerMessage.PrintResult r) {
                CompletableFuture<ServerMessage.PrintResult> f = printJobs.get(r.jobId());
                if (f != null) {
                    f.complete(r);
                }
                listener.printResult(r);
            }
        }
    }
}
