package io.doorstep.client.internal.signalling;

import com.fasterxml.jackson.databind.JsonNode;
import io.doorstep.client.ClientOptions;
import io.doorstep.client.DoorstepException;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.ProtocolException;
import io.doorstep.protocol.ServerMessage;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's one signalling session over a succession of WebSockets. It signs in, pings with the last seq it
 * processed, notices a dead connection (no pong), reconnects with backoff and jitter, resumes the session (seq
 * numbers continue, missed messages are replayed, duplicates skipped) or, when the server refuses, starts a fresh
 * one. Requests are matched to replies by id. Every inbound message and state change is handed to the
 * {@link Handler} on the one event thread; nothing here throws at the application.
 */
public final class SignallingConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SignallingConnection.class);
    /** Sign-in refusals that a retry cannot fix: a new token or an administrator can. */
    private static final Set<ErrorCode> FATAL = EnumSet.of(ErrorCode.TOKEN_INVALID, ErrorCode.TOKEN_EXPIRED,
            ErrorCode.ROLE_MISMATCH, ErrorCode.UNKNOWN_IDENTITY);
    /** Messages sent while the connection is down wait for the next one, up to this many. */
    private static final int MAX_QUEUED = 256;

    /** What the session hears, on the event thread. */
    public interface Handler {
        /** Signed in; {@code fresh} when this is a new session (the first, or after a refused resume). */
        void welcome(ServerMessage.Welcome welcome, boolean fresh);

        /** A numbered server message, in order, each once. */
        void message(ServerMessage message);

        void down(String why, Duration retryIn);

        void stopped(ErrorCode code, String why);
    }

    private final ClientOptions options;
    private final ScheduledExecutorService events;
    private final Handler handler;
    private final ProtocolCodec codec = new ProtocolCodec();
    private final HttpClient http;
    private final Map<String, CompletableFuture<ServerMessage>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Deque<ClientMessage> queued = new ArrayDeque<>();
    private final Object sendLock = new Object();

    // Event-thread state.
    private WebSocket socket;
    private boolean signedIn;
    private String sessionId;
    private long lastSeq;
    private long resumeGraceMs;
    private long droppedAt;
    private int attempt;
    /** Written on the event thread; read anywhere, so a stopped client fails requests at once. */
    private volatile boolean stopped;
    private boolean forgetSession;
    private long reconnectAfterMs;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> pongDeadline;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    public SignallingConnection(ClientOptions options, ScheduledExecutorService events, Handler handler) {
        this.options = options;
        this.events = events;
        this.handler = handler;
        this.http = HttpClient.newBuilder().connectTimeout(options.connectTimeout()).build();
    }

    /** Connects; from here on the connection keeps itself up until {@link #close()}. */
    public void start() {
        events.execute(this::connect);
    }

    /** The current session's id (null before the first sign-in). Event thread. */
    public String sessionId() {
        return sessionId;
    }

    /**
     * Sends a request with a fresh id and completes with its reply (an {@code error} reply fails it with a
     * {@link DoorstepException} carrying the code). Sent at once, or when the connection is back.
     */
    public CompletableFuture<ServerMessage> request(Function<String, ClientMessage> withId) {
        if (stopped) {
            return CompletableFuture.failedFuture(new DoorstepException(null, "the client has stopped"));
        }
        String id = "c" + ids.incrementAndGet();
        CompletableFuture<ServerMessage> reply = new CompletableFuture<>();
        pending.put(id, reply);
        reply.orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> pending.remove(id));
        send(withId.apply(id));
        return reply.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                e instanceof DoorstepException ? e : new DoorstepException("no answer to " + id, e)));
    }

    /** Sends without waiting for an answer (any thread). Kept for the next connection while this one is down. */
    public void send(ClientMessage message) {
        events.execute(() -> {
            if (signedIn && socket != null) {
                write(message);
            } else if (queued.size() < MAX_QUEUED) {
                queued.add(message);
            } else {
                log.warn("send queue full session={} dropped={}", sessionId, ProtocolCodec.typeOf(message));
            }
        });
    }

    /** Signs out ({@code bye}) and stops reconnecting. */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        events.execute(() -> {
            if (stopped) {
                done.complete(null);
                return;
            }
            stopped = true;
            cancelTimers();
            WebSocket ws = socket;
            if (ws != null && signedIn) {
                write(new ClientMessage.Bye("bye"));
                sending.whenComplete((r, e) -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
            } else if (ws != null) {
                socket.abort();
            }
            failPending("the client was closed");
            handler.stopped(null, "closed");
            done.complete(null);
        });
        done.orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }

    // ---------------------------------------------------------------- connecting

    private void connect() {
        if (stopped) {
            return;
        }
        http.newWebSocketBuilder().connectTimeout(options.connectTimeout())
                .buildAsync(options.server(), new Listener())
                .whenCompleteAsync((ws, error) -> {
                    if (error != null) {
                        lost(null, "cannot connect: " + rootMessage(error));
                    } else if (stopped) {
                        ws.abort();
                    } else {
                        opened(ws);
                    }
                }, events);
    }

    private void opened(WebSocket ws) {
        socket = ws;
        boolean resume = sessionId != null && !forgetSession
                && System.currentTimeMillis() - droppedAt < resumeGraceMs;
        ClientMessage.Resume r = resume ? new ClientMessage.Resume(sessionId, lastSeq) : null;
        String token;
        try {
            token = options.token().get();
        } catch (RuntimeException e) {
            lost(ws, "no token: " + rootMessage(e)); // the terminal's token source failed: try again later
            return;
        }
        writeTo(ws, new ClientMessage.Hello("hello", token, r));
    }

    private void lost(WebSocket ws, String why) {
        if (ws != null && ws != socket) {
            return; // an old connection's late news
        }
        if (socket != null) {
            socket.abort();
        }
        socket = null;
        if (signedIn) {
            droppedAt = System.currentTimeMillis();
        }
        signedIn = false;
        cancelTimers();
        if (stopped) {
            return;
        }
        Duration delay = reconnectAfterMs > 0 ? jittered(reconnectAfterMs)
                : options.reconnect().delay(attempt++, ThreadLocalRandom.current());
        reconnectAfterMs = 0;
        log.info("signalling connection lost session={} why={} retry_ms={}", sessionId, why, delay.toMillis());
        handler.down(why, delay);
        events.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Duration jittered(long ms) {
        return Duration.ofMillis(ms + ThreadLocalRandom.current().nextLong(Math.max(1, ms / 3)));
    }

    // ---------------------------------------------------------------- inbound

    private void received(WebSocket ws, String text) {
        if (ws != socket) {
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ProtocolCodec.ServerEnvelope envelope;
        try {
            envelope = codec.decodeServer(bytes);
        } catch (ProtocolException e) {
            skipUnknown(bytes, e);
            return;
        }
        if (envelope.seq() == 0) {
            handshake(envelope.message());
            return;
        }
        if (envelope.seq() <= lastSeq) {
            return; // already processed (a replay overlapping what arrived before the drop)
        }
        lastSeq = envelope.seq();
        deliver(envelope.message());
    }

    /** A message this client does not know: the protocol grows by adding them. Its seq still counts. */
    private void skipUnknown(byte[] bytes, ProtocolException e) {
        try {
            JsonNode tree = codec.mapper().readTree(bytes);
            long seq = tree.path("seq").asLong(0);
            if (seq > lastSeq) {
                lastSeq = seq;
            }
            log.debug("ignored server message session={} seq={} type={}", sessionId, seq,
                    tree.path("type").asText());
        } catch (IOException | RuntimeException parse) {
            log.warn("unreadable server message session={} code={}", sessionId, e.code());
        }
    }

    private void handshake(ServerMessage message) {
        if (message instanceof ServerMessage.Welcome w) {
            welcomed(w);
        } else if (message instanceof ServerMessage.Error e) {
            refused(e);
        }
    }

    private void welcomed(ServerMessage.Welcome w) {
        boolean fresh = !w.resumed();
        if (fresh) {
            lastSeq = 0;
            if (sessionId != null) {
                failPending("the session was not resumed: " + w.resumeError());
            }
        }
        sessionId = w.sessionId();
        resumeGraceMs = w.resumeGraceMs();
        forgetSession = false;
        signedIn = true;
        attempt = 0;
        log.info("signed in session={} identity={} resumed={} resume_error={}", w.sessionId(), w.identity().id(),
                w.resumed(), w.resumeError());
        startHeartbeat(w.heartbeat().intervalMs());
        handler.welcome(w, fresh);
        while (!queued.isEmpty()) {
            write(queued.poll());
        }
    }

    private void refused(ServerMessage.Error e) {
        log.warn("sign-in refused code={}", e.code());
        if (FATAL.contains(e.code())) {
            stopped = true;
            failPending("sign-in refused: " + e.code());
            handler.stopped(e.code(), e.message());
        }
        // Anything else (SERVER_DRAINING, HELLO_TIMEOUT ...): the close follows, then a retry with backoff.
    }

    private void deliver(ServerMessage message) {
        if (message instanceof ServerMessage.Pong) {
            cancel(pongDeadline);
        } else if (message instanceof ServerMessage.SessionReplaced) {
            stopped = true;
            failPending("session replaced");
            handler.stopped(null, "session replaced: signed in on another connection");
            return;
        } else if (message instanceof ServerMessage.ServerShutdown s
                && ServerMessage.ServerShutdown.RECONNECT.equals(s.action())) {
            forgetSession = true; // the server ends this session: come back with a fresh hello
            reconnectAfterMs = s.reconnectAfterMs();
        }
        // The client's state first, then the request's future: whoever waits on it sees the state it led to.
        if (!(message instanceof ServerMessage.Pong) && !(message instanceof ServerMessage.Ok)) {
            handler.message(message);
        }
        String re = Replies.re(message);
        CompletableFuture<ServerMessage> reply = re == null ? null : pending.remove(re);
        if (reply != null) {
            if (message instanceof ServerMessage.Error e) {
                reply.completeExceptionally(new DoorstepException(e.code(), e.message()));
            } else {
                reply.complete(message);
            }
        }
    }

    // ---------------------------------------------------------------- heartbeat

    private void startHeartbeat(long intervalMs) {
        cancelTimers();
        heartbeat = events.scheduleAtFixedRate(this::ping, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void ping() {
        if (socket == null || !signedIn) {
            return;
        }
        WebSocket ws = socket;
        write(new ClientMessage.Ping(null, lastSeq));
        if (pongDeadline == null || pongDeadline.isDone()) {
            pongDeadline = events.schedule(() -> lost(ws, "no pong within " + options.pongTimeout().toMillis()
                    + " ms"), options.pongTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void cancelTimers() {
        cancel(heartbeat);
        cancel(pongDeadline);
        heartbeat = null;
        pongDeadline = null;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    // ---------------------------------------------------------------- outbound

    private void write(ClientMessage message) {
        writeTo(socket, message);
    }

    /** The JDK WebSocket takes one send at a time: each waits for the one before. */
    private void writeTo(WebSocket ws, ClientMessage message) {
        String text = new String(codec.encode(message), StandardCharsets.UTF_8);
        synchronized (sendLock) {
            sending = sending.exceptionally(e -> null).thenCompose(x -> ws.sendText(text, true))
                    .whenCompleteAsync((r, e) -> {
                        if (e != null) {
                            lost(ws, "send failed: " + rootMessage(e));
                        }
                    }, events);
        }
    }

    private void failPending(String why) {
        pending.values().forEach(f -> f.completeExceptionally(new DoorstepException(null, why)));
        pending.clear();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** Hands each whole text message to the event thread; any end of the socket is a drop unless we stopped. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                events.execute(() -> received(ws, text));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            events.execute(() -> lost(ws, "closed " + status + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            events.execute(() -> lost(ws, rootMessage(error)));
        }
    }
}
