package io.doorstep.client.internal;

import io.doorstep.client.CallListener;
import io.doorstep.client.ClientOptions;
import io.doorstep.client.DoorstepException;
import io.doorstep.client.documents.Document;
import io.doorstep.client.documents.DocumentContent;
import io.doorstep.client.documents.UploadProgress;
import io.doorstep.client.internal.call.CallMedia;
import io.doorstep.client.internal.documents.DocumentReader;
import io.doorstep.client.internal.documents.RelayAccess;
import io.doorstep.client.internal.documents.TusUploader;
import io.doorstep.client.internal.media.CallStatsReporter;
import io.doorstep.client.internal.media.MediaSession;
import io.doorstep.client.media.CallStats;
import io.doorstep.client.media.I420Picture;
import io.doorstep.client.internal.signalling.SignallingConnection;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.EndReason;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.Media;
import io.doorstep.protocol.ServerMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the station and the agent client share: the signalling session, the current call and its media, the call's
 * documents and the relay's tokens. Owns two thread pools: one event thread on which every message, every state
 * change and every listener call happens (so no state here needs a lock), and an I/O pool for blocking work
 * (uploads, reads, devices).
 */
public final class ClientCore implements SignallingConnection.Handler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClientCore.class);

    /** The part that differs between station and agent. */
    public interface Role {
        /** A server message the core does not handle by itself (or also wants the role to see). */
        void message(ServerMessage m);

        /** Signed in; a station reports its kit here. */
        default void welcome(ServerMessage.Welcome w, boolean fresh) {
        }
    }

    private final ClientOptions options;
    private final CallMedia.Factory mediaFactory;
    private final CallListener listener;
    private final ScheduledExecutorService events;
    private final ExecutorService io;
    private final SignallingConnection connection;
    private final HttpClient http;
    private final TusUploader uploader;
    private final DocumentReader reader;
    private Role role;

    // Event-thread state.
    private ActiveCall call;
    /** The connected call's latest stats, readable from any thread (also from a listener). */
    private volatile CallStats latestStats;
    private volatile Thread eventThread;
    private final Map<String, ServerMessage.DocumentsAccess> access = new HashMap<>();
    private final Map<String, Document> documents = new LinkedHashMap<>();
    private final Map<String, CompletableFuture<Document>> completions = new HashMap<>();

    /** The connected call and its media. */
    private static final class ActiveCall {
        final ServerMessage.CallConnected connected;
        CallMedia media;
        String remoteSession;
        String iceState = "new";
        CallStatsReporter reporter;

        ActiveCall(ServerMessage.CallConnected connected) {
            this.connected = connected;
        }

        String id() {
            return connected.callId();
        }
    }

    public ClientCore(ClientOptions options, String name, CallMedia.Factory mediaFactory, CallListener listener) {
        this.options = options;
        this.mediaFactory = mediaFactory;
        this.listener = listener;
        this.events = Executors.newSingleThreadScheduledExecutor(r -> eventThread = daemon(r, "doorstep-" + name));
        this.io = Executors.newCachedThreadPool(r -> daemon(r, "doorstep-" + name + "-io"));
        this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout()).build();
        this.uploader = new TusUploader(http, options.uploadChunkBytes(), options.requestTimeout(),
                options.reconnect());
        this.reader = new DocumentReader(http);
        this.connection = new SignallingConnection(options, events, this);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public void start(Role roleHandler) {
        this.role = roleHandler;
        connection.start();
    }

    public ClientOptions options() {
        return options;
    }

    // ---------------------------------------------------------------- requests (any thread)

    public CompletableFuture<ServerMessage> request(Function<String, ClientMessage> withId) {
        return connection.request(withId);
    }

    public void send(ClientMessage m) {
        connection.send(m);
    }

    /** Runs on the event thread and returns what it returns. */
    public <T> CompletableFuture<T> onEvents(java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, events);
    }

    /** Blocking work (devices, HTTP), off the event thread. */
    public <T> CompletableFuture<T> onIo(java.util.concurrent.Callable<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, io);
    }

    public void onEventThread(Runnable r) {
        events.execute(r);
    }

    /** Runs {@code action} for {@code callId}, or fails (NOT_IN_CALL) without asking the server when it is null. */
    public static <T> CompletableFuture<T> withCall(String callId, Function<String, CompletableFuture<T>> action) {
        return callId == null ? CompletableFuture.failedFuture(new DoorstepException(ErrorCode.NOT_IN_CALL,
                "no call")) : action.apply(callId);
    }

    /** Ends the call ({@code reason} media_failed: as failed). */
    public CompletableFuture<ServerMessage.CallEnded> hangUp(String callId, String reason) {
        return withCall(callId, call -> request(id -> new ClientMessage.CallHangup(id, call, reason))
                .thenApply(ServerMessage.CallEnded.class::cast));
    }

    /** The id of the connected call, or fails. */
    public CompletableFuture<String> connectedCallId() {
        return onEvents(() -> {
            if (call == null) {
                throw new DoorstepException(ErrorCode.NOT_IN_CALL, "no connected call");
            }
            return call.id();
        });
    }

    /** The latest media quality sample of the connected call, or null (any thread, never blocks). */
    public CallStats lastStats() {
        return latestStats;
    }

    // ---------------------------------------------------------------- documents (any thread)

    /** Uploads a document to the connected call's relay; completes when the server says it is complete. */
    public CompletableFuture<Document> upload(byte[] bytes, String filename, String mediaType, Integer page,
                                              String device, UploadProgress progress) {
        return connectedCallId().thenCompose(callId -> onIo(() -> {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("filename", filename);
            metadata.put("filetype", mediaType);
            metadata.put("page", page == null ? null : page.toString());
            metadata.put("device", device);
            TusUploader.Result r = uploader.upload(relay(callId), bytes, metadata,
                    offset -> progress.progress(offset, bytes.length));
            log.info("document uploaded call={} document={} bytes={}", callId, r.documentId(), bytes.length);
            return r;
        }).thenCompose(r -> completion(r.documentId()).thenApply(d -> {
            if (!r.sha256().equalsIgnoreCase(d.sha256())) {
                throw new DoorstepException(null, "document " + d.id() + ": the server's SHA-256 differs from ours");
            }
            return d;
        })));
    }

    /** Reads a document while it uploads; completes once all of it is here and its SHA-256 matches the relay's. */
    public CompletableFuture<DocumentContent> read(String documentId) {
        return onEvents(() -> callOf(documentId)).thenCompose(callId -> onIo(() -> {
            try (DocumentReader.Hashing in = open(callId, documentId)) {
                byte[] bytes = readAll(in);
                return new Object[] {bytes, in.sha256Hex()};
            }
        })).thenCompose(read -> completion(documentId).thenApply(d -> {
            if (!d.sha256().equalsIgnoreCase((String) read[1])) {
                throw new DoorstepException(null, "document " + documentId + ": SHA-256 mismatch, read again");
            }
            return new DocumentContent(d, (byte[]) read[0]);
        }));
    }

    /** The document's bytes as they arrive (the caller reads, and closes); blocking. */
    public InputStream openStream(String documentId) throws IOException, InterruptedException {
        if (Thread.currentThread() == eventThread) {
            throw new IllegalStateException("opening a document blocks: not from a listener (the event thread)");
        }
        return open(onEvents(() -> callOf(documentId)).join(), documentId);
    }

    private DocumentReader.Hashing open(String callId, String documentId) throws IOException, InterruptedException {
        return reader.open(relay(callId), documentId);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** Completes when the document is complete (now, if it is); fails if it is abandoned or deleted. */
    public CompletableFuture<Document> completion(String documentId) {
        return onEvents(() -> {
            Document d = documents.get(documentId);
            if (d != null && d.status() == Document.Status.COMPLETED) {
                return CompletableFuture.completedFuture(d);
            }
            return completions.computeIfAbsent(documentId, id -> new CompletableFuture<>());
        }).thenCompose(f -> f);
    }

    private String callOf(String documentId) {
        Document d = documents.get(documentId);
        if (d == null) {
            throw new DoorstepException(ErrorCode.UNKNOWN_DOCUMENT, "no document " + documentId + " in this call");
        }
        return d.callId();
    }

    private RelayAccess relay(String callId) {
        return new RelayAccess() {
            @Override
            public String url() {
                return accessOf(callId).url();
            }

            @Override
            public String token() {
                return accessOf(callId).token();
            }

            @Override
            public String refreshToken() throws IOException {
                try {
                    return ((ServerMessage.DocumentsAccess) request(id -> new ClientMessage.DocumentsToken(id, callId))
                            .join()).token();
                } catch (CompletionException e) {
                    throw new IOException("no fresh document token: " + e.getCause().getMessage(), e);
                }
            }
        };
    }

    /**
     * The call's newest document access. It follows {@code call.connected} at once, but an upload started from the
     * {@code connected} callback may look before it has arrived: wait for it a little (off the event thread).
     */
    private ServerMessage.DocumentsAccess accessOf(String callId) {
        long deadline = System.nanoTime() + options.requestTimeout().toNanos();
        while (true) {
            ServerMessage.DocumentsAccess a = onEvents(() -> access.get(callId)).join();
            if (a != null) {
                return a;
            }
            if (System.nanoTime() > deadline) {
                throw new UncheckedIOException(new IOException("no document access for call " + callId));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new IOException("interrupted", e));
            }
        }
    }

    // ---------------------------------------------------------------- the session (event thread)

    @Override
    public void welcome(ServerMessage.Welcome w, boolean fresh) {
        listener.signedIn(w.identity(), w.resumed());
        if (call != null) {
            if (fresh) {
                rebuildAfterFreshSession(call.id());
            } else if (call.connected.initiator() && !isConnected(call.iceState)) {
                // Our own network came back: the media path may have died with it.
                log.info("restarting ICE after resume call={} ice={}", call.id(), call.iceState);
                call.media.restartIce();
            }
        }
        role.welcome(w, fresh);
    }

    /**
     * A fresh session re-sends the call's state right after the welcome, before the answer to a ping sent now. If
     * that ping's answer comes and the call was not re-sent, the call ended while this client was away.
     */
    private void rebuildAfterFreshSession(String callId) {
        call.media.close();
        call = null;
        request(id -> new ClientMessage.Ping(id, 0)).thenRunAsync(() -> {
            if (call == null || !call.id().equals(callId)) {
                if (call == null) {
                    log.info("call gone after a fresh session call={}", callId);
                    ended(new ServerMessage.CallEnded(null, callId, EndReason.FAILED, "SESSION_LOST", null));
                }
            }
        }, events);
    }

    private static boolean isConnected(String iceState) {
        return "connected".equals(iceState) || "completed".equals(iceState);
    }

    @Override
    public void down(String why, Duration retryIn) {
        listener.connectionLost(why, retryIn);
    }

    @Override
    public void stopped(ErrorCode code, String why) {
        if (call != null) {
            call.media.close();
        }
        listener.stopped(code, why);
    }

    @Override
    public void message(ServerMessage m) {
        try {
            handle(m);
        } catch (RuntimeException e) {
            log.error("handling {} failed", m.getClass().getSimpleName(), e);
        }
    }

    private void handle(ServerMessage m) {
        if (m instanceof ServerMessage.CallConnected c) {
            connected(c);
        } else if (m instanceof ServerMessage.CallEnded e) {
            ended(e);
        } else if (m instanceof ServerMessage.Sdp s) {
            remoteSdp(s);
        } else if (m instanceof ServerMessage.Ice i) {
            inCall(i.callId()).ifPresent(c -> c.media.remoteCandidate(i.candidate().candidate(),
                    i.candidate().sdpMid(), i.candidate().sdpMLineIndex(), i.candidate().usernameFragment()));
        } else if (m instanceof ServerMessage.PeerReconnecting p) {
            listener.peerReconnecting(p.callId(), p.graceMs());
        } else if (m instanceof ServerMessage.PeerReconnected p) {
            peerBack(p.callId());
        } else if (m instanceof ServerMessage.CallRelayMoved r) {
            relayMoved(r);
        } else if (m instanceof ServerMessage.DocumentsAccess a) {
            access.put(a.callId(), a);
        } else if (!documentEvent(m)) {
            if (m instanceof ServerMessage.Error e && e.re() == null) {
                listener.serverError(e);
            }
            role.message(m);
        }
    }

    private java.util.Optional<ActiveCall> inCall(String callId) {
        return call != null && call.id().equals(callId) ? java.util.Optional.of(call) : java.util.Optional.empty();
    }

    private void connected(ServerMessage.CallConnected c) {
        if (call != null) {
            call.media.close(); // the call again after a fresh sign-in: new credentials, new media
        }
        call = new ActiveCall(c);
        latestStats = null;
        openMedia(call);
        log.info("call connected call={} initiator={} policy={}", c.callId(), c.initiator(), c.iceTransportPolicy());
        role.message(c); // the client's state first, then the application
        listener.connected(c);
    }

    private void openMedia(ActiveCall active) {
        ServerMessage.CallConnected c = active.connected;
        boolean relayOnly = options.relayOnly() || "relay".equals(c.iceTransportPolicy());
        String callId = c.callId();
        active.reporter = new CallStatsReporter(callId);
        active.media = mediaFactory.open(c.iceServers(), relayOnly, new MediaSession.Signaller() {
            @Override
            public void description(String type, String sdp) {
                send(new ClientMessage.Sdp(null, callId, new Media.SessionDescription(type, sdp)));
            }

            @Override
            public void candidate(String candidate, String sdpMid, Integer index, String ufrag) {
                send(new ClientMessage.Ice(null, callId, new Media.IceCandidate(candidate, sdpMid, index, ufrag)));
            }
        }, new CallMedia.Events() {
            @Override
            public void state(String iceConnectionState) {
                events.execute(() -> inCall(callId).filter(a -> a == active).ifPresent(a -> {
                    a.iceState = iceConnectionState;
                    listener.mediaState(callId, iceConnectionState);
                }));
            }

            @Override
            public void stats(CallStats stats) {
                events.execute(() -> inCall(callId).filter(a -> a == active).ifPresent(a -> {
                    latestStats = stats;
                    ClientMessage.CallStats report = a.reporter.offer(stats); // for operators' metrics
                    if (report != null) {
                        send(report);
                    }
                    listener.stats(callId, stats);
                }));
            }

            @Override
            public void remoteVideo(int width, int height, long timestampNanos) {
                listener.remoteVideo(callId, width, height, timestampNanos);
            }

            @Override
            public boolean wantsRemotePictures() {
                return listener.wantsRemotePictures();
            }

            @Override
            public void remotePicture(I420Picture picture) {
                listener.remotePicture(callId, picture);
            }

            @Override
            public void failed(String reason) {
                log.warn("media failed call={} reason={}", callId, reason);
                events.execute(() -> inCall(callId).filter(a -> a == active).ifPresent(a -> {
                    if (a.connected.initiator()) {
                        a.media.restartIce();
                    }
                    listener.mediaFailed(callId, reason);
                }));
            }
        });
        active.media.start(c.initiator());
    }

    /**
     * The peer's offer. A new peer connection on the other side (it signed in afresh) shows as a new SDP session
     * id in the {@code o=} line: this side then starts a new peer connection too, since a running one cannot take
     * a new DTLS identity.
     */
    private void remoteSdp(ServerMessage.Sdp s) {
        inCall(s.callId()).ifPresent(c -> {
            String session = sdpSession(s.description().sdp());
            if ("offer".equals(s.description().type()) && c.remoteSession != null && session != null
                    && !session.equals(c.remoteSession)) {
                log.info("peer has a new peer connection call={}: new media", c.id());
                c.media.close();
                openMedia(c);
            }
            if (session != null) {
                c.remoteSession = session;
            }
            c.media.remoteDescription(s.description().type(), s.description().sdp());
        });
    }

    static String sdpSession(String sdp) {
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("o=")) {
                String[] parts = line.split(" ");
                return parts.length > 1 ? parts[1] : null;
            }
        }
        return null;
    }

    /**
     * The peer is back: it resumed (its media may live on) or signed in afresh (a new peer connection waiting for an
     * offer). The station, which makes the offers, restarts ICE: an offer with fresh ICE credentials serves both,
     * and media that survived is not interrupted (both cases are tested in the media tests).
     */
    private void peerBack(String callId) {
        inCall(callId).ifPresent(c -> {
            if (c.connected.initiator()) {
                log.info("peer reconnected call={}: restarting ICE", callId);
                c.media.restartIce();
            }
        });
        listener.peerReconnected(callId);
    }

    /** The call's relay is gone: gather over the new one, and the station restarts ICE so both sides move. */
    private void relayMoved(ServerMessage.CallRelayMoved r) {
        inCall(r.callId()).ifPresent(c -> {
            c.media.useIceServers(r.iceServers());
            if (c.connected.initiator()) {
                log.info("relay moved call={}: restarting ICE over the new relay", r.callId());
                c.media.restartIce();
            }
        });
    }

    private void ended(ServerMessage.CallEnded e) {
        inCall(e.callId()).ifPresent(c -> {
            c.media.close();
            call = null;
            latestStats = null;
        });
        log.info("call ended call={} reason={} cause={}", e.callId(), e.reason(), e.cause());
        access.remove(e.callId());
        documents.values().removeIf(d -> d.callId().equals(e.callId()));
        completions.values().forEach(f -> f.completeExceptionally(
                new DoorstepException(null, "the call ended before the document was complete")));
        completions.clear();
        role.message(e);
        listener.ended(e);
    }

    // ---------------------------------------------------------------- document events (event thread)

    private boolean documentEvent(ServerMessage m) {
        if (m instanceof ServerMessage.DocumentOffered o) {
            if (documents.containsKey(o.documentId())) {
                return true; // listed again after a sign-in: the messages that follow say how it stands
            }
            update(new Document(o.callId(), o.documentId(), o.filename(), o.mediaType(), o.page(), o.device(),
                    o.uploadedBy(), o.length(), 0, null, Document.Status.UPLOADING));
        } else if (m instanceof ServerMessage.DocumentProgress p) {
            known(p.documentId()).map(d -> d.progressed(p.offset())).ifPresent(this::update);
        } else if (m instanceof ServerMessage.DocumentCompleted c) {
            known(c.documentId()).map(d -> d.completed(c.mediaType(), c.sha256())).ifPresent(this::update);
        } else if (m instanceof ServerMessage.DocumentAbandoned a) {
            known(a.documentId()).map(d -> d.ended(Document.Status.ABANDONED)).ifPresent(this::update);
        } else if (m instanceof ServerMessage.DocumentDeleted d) {
            known(d.documentId()).map(x -> x.ended(Document.Status.DELETED)).ifPresent(this::update);
        } else {
            return false;
        }
        return true;
    }

    private java.util.Optional<Document> known(String id) {
        return java.util.Optional.ofNullable(documents.get(id));
    }

    private void update(Document d) {
        documents.put(d.id(), d);
        if (d.status() != Document.Status.UPLOADING) {
            CompletableFuture<Document> f = completions.remove(d.id());
            if (f != null && d.status() == Document.Status.COMPLETED) {
                f.complete(d);
            } else if (f != null) {
                f.completeExceptionally(new DoorstepException(null, "document " + d.id() + " is "
                        + d.status().name().toLowerCase(java.util.Locale.ROOT)));
            }
        }
        listener.document(d);
    }

    @Override
    public void close() {
        connection.close();
        events.shutdown();
        io.shutdownNow();
        try {
            events.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        mediaFactory.close();
    }
}
