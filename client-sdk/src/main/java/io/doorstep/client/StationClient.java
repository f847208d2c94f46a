package io.doorstep.client;

import io.doorstep.client.devices.DeviceException;
import io.doorstep.client.devices.Kit;
import io.doorstep.client.devices.Scan;
import io.doorstep.client.documents.Document;
import io.doorstep.client.documents.UploadProgress;
import io.doorstep.client.internal.ClientCore;
import io.doorstep.client.internal.call.CallMedia;
import io.doorstep.client.internal.call.WebRtcMedia;
import io.doorstep.client.media.VideoFeed;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.Devices;
import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.ServerMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A village station terminal: asks for a call about a service item, waits in line, then in the call sends scans,
 * ID-card reads and barcodes from its kit and prints what the agent sends. Connects at {@link #start} and keeps
 * itself connected (resuming its session after drops) until {@link #close()}. Methods may be called from any
 * thread; they return futures that fail with a {@link DoorstepException} when the server refuses.
 */
public final class StationClient extends CallClient {
    private static final Logger log = LoggerFactory.getLogger(StationClient.class);
    /** How long the station waits for a card on the reader or a code at the scanner. */
    private static final Duration DEVICE_WAIT = Duration.ofSeconds(30);

    private final Kit kit;
    private final StationListener listener;

    private StationClient(ClientOptions options, Kit kit, StationListener listener, CallMedia.Factory media) {
        super(options, "station", media, listener);
        this.kit = kit;
        this.listener = listener;
    }

    /** Connects a station with its kit (may be {@link Kit#NONE}), without media. */
    public static StationClient start(ClientOptions options, Kit kit, StationListener listener) {
        return start(options, kit, listener, CallMedia.NONE);
    }

    /**
     * Connects a station with its kit and media: {@code video} (the kit's webcam as a {@code CameraFeed}, or any
     * {@code VideoFeed}) goes out in every call, with the engine's audio; the peer's video comes to the listener.
     */
    public static StationClient start(ClientOptions options, Kit kit, VideoFeed video, StationListener listener) {
        return start(options, kit, listener, new WebRtcMedia(video, options));
    }

    static StationClient start(ClientOptions options, Kit kit, StationListener listener, CallMedia.Factory media) {
        StationClient client = new StationClient(options, kit, listener, media);
        kit.devices().forEach(d -> d.onHealthChange(client::reportDevices));
        client.start(client.new Events());
        return client;
    }

    /** Asks for a call about {@code serviceItem} (a catalogue code); {@code priority} for elderly or disabled. */
    public CompletableFuture<ServerMessage.CallQueued> requestCall(String serviceItem, boolean priority) {
        return core.request(id -> new ClientMessage.CallRequest(id, serviceItem, priority))
                .thenApply(ServerMessage.CallQueued.class::cast);
    }

    /** Cancels the call before an agent answers. */
    public CompletableFuture<ServerMessage.CallEnded> cancel() {
        return ClientCore.withCall(callId(), c -> core.request(id -> new ClientMessage.CallCancel(id, c))
                .thenApply(ServerMessage.CallEnded.class::cast));
    }

    /** Takes a full-resolution still with the document camera and uploads it to the call. */
    public CompletableFuture<Document> scan(Integer page, UploadProgress progress) {
        if (kit.documentCamera() == null) {
            return CompletableFuture.failedFuture(new DoorstepException(null, "this station has no document camera"));
        }
        return core.onIo(() -> kit.documentCamera().capture()).thenCompose(s -> upload(s, page, progress));
    }

    /** Uploads a scan to the call: resumable, checked chunk by chunk, complete when the server says so. */
    public CompletableFuture<Document> upload(Scan scan, Integer page, UploadProgress progress) {
        return core.upload(scan.bytes(), scan.filename(), scan.mediaType(), page,
                Devices.Kind.DOCUMENT_CAMERA.wireName(), progress);
    }

    /** Sends an ID-card read to the agent. Personal data: forwarded, never logged. */
    public CompletableFuture<Void> sendIdCard(Devices.IdCard card) {
        return ClientCore.withCall(callId(), c -> core.request(id -> new ClientMessage.IdCardRead(id, c, card))
                .thenApply(ok -> null));
    }

    /** Sends a scanned code to the agent. */
    public CompletableFuture<Void> sendBarcode(Devices.Barcode barcode) {
        return ClientCore.withCall(callId(), c -> core.request(id -> new ClientMessage.BarcodeScan(id, c, barcode))
                .thenApply(ok -> null));
    }

    /** Reads the card on the kit's reader and sends it. */
    public CompletableFuture<Void> readIdCard() {
        if (kit.idCardReader() == null) {
            return CompletableFuture.failedFuture(new DoorstepException(null, "this station has no ID-card reader"));
        }
        return core.onIo(() -> kit.idCardReader().read(DEVICE_WAIT)).thenCompose(this::sendIdCard);
    }

    /** Reads the next code from the kit's scanner and sends it. */
    public CompletableFuture<Void> scanBarcode() {
        if (kit.barcodeScanner() == null) {
            return CompletableFuture.failedFuture(new DoorstepException(null, "this station has no barcode scanner"));
        }
        return core.onIo(() -> kit.barcodeScanner().read(DEVICE_WAIT)).thenCompose(this::sendBarcode);
    }

    /**
     * Reports the kit's health (done by itself at every sign-in and when a device says it changed). Read and sent on
     * the event thread, one report after another, so the last report sent reads the kit last: a device thread's
     * report and the sign-in's cannot cross with the older health arriving last.
     */
    public void reportDevices() {
        core.onEvents(() -> {
            core.send(new ClientMessage.DeviceStatus(null, kit.health()));
            return null;
        });
    }

    // ---------------------------------------------------------------- the station's side of the protocol

    private final class Events implements ClientCore.Role {
        @Override
        public void welcome(ServerMessage.Welcome w, boolean fresh) {
            reportDevices();
        }

        @Override
        public void message(ServerMessage m) {
            if (m instanceof ServerMessage.CallQueued q) {
                listener.queued(q);
            } else if (m instanceof ServerMessage.PrintJob job) {
                listener.printJob(job);
                print(job);
            } else if (m instanceof ServerMessage.DeviceRequest r) {
                listener.deviceRequested(new Request(r));
            }
        }
    }

    /** Fetches the document, checks its hash against the job's, prints, and reports either way. */
    private void print(ServerMessage.PrintJob job) {
        core.read(job.documentId()).thenCompose(content -> {
            if (!content.document().sha256().equalsIgnoreCase(job.sha256())) {
                throw new CompletionException(new DeviceException("the document differs from the print job"));
            }
            if (kit.printer() == null) {
                throw new CompletionException(new DeviceException("this station has no printer"));
            }
            return core.onIo(() -> {
                kit.printer().print(job.jobId(), content.bytes(), job.mediaType(), job.copies());
                return null;
            });
        }).handle((ok, error) -> {
            String reason = error == null ? null : reason(error);
            PrintStatus status = error == null ? PrintStatus.PRINTED : PrintStatus.FAILED;
            log.info("print job call={} job={} status={}", job.callId(), job.jobId(), status.wireName());
            core.send(new ClientMessage.PrintResult(null, job.callId(), job.jobId(), status, reason));
            core.onEventThread(() -> listener.printed(job.jobId(), status, reason));
            return null;
        });
    }

    private static String reason(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.length() <= 256 ? message : message.substring(0, 256);
    }

    private final class Request implements DeviceRequest {
        private final ServerMessage.DeviceRequest request;

        Request(ServerMessage.DeviceRequest request) {
            this.request = request;
        }

        @Override
        public String callId() {
            return request.callId();
        }

        @Override
        public String requestId() {
            return request.requestId();
        }

        @Override
        public Devices.Kind device() {
            return request.device();
        }

        @Override
        public String prompt() {
            return request.prompt();
        }

        @Override
        public CompletableFuture<Void> perform() {
            CompletableFuture<?> done = switch (request.device()) {
                case DOCUMENT_CAMERA -> scan(null, UploadProgress.NONE);
                case IDCARD_READER -> readIdCard();
                case BARCODE_SCANNER -> scanBarcode();
                default -> CompletableFuture.failedFuture(new DeviceException("cannot do " + request.device()));
            };
            return done.handle((ok, error) -> error == null ? CompletableFuture.<Void>completedFuture(null)
                    : decline(reason(error))).thenCompose(f -> f);
        }

        @Override
        public CompletableFuture<Void> decline(String reason) {
            log.info("device request declined call={} request={} device={}", callId(), requestId(),
                    device().wireName());
            return core.request(id -> new ClientMessage.DeviceDeclined(id, callId(), requestId(), reason))
                    .thenApply(ok -> null);
        }
    }

    /** The kit's devices, for health changes in tests and the demo. */
    public Kit kit() {
        return kit;
    }
}
