package io.doorstep.signalling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.doorstep.protocol.AgentState;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.ProtocolCodec.ServerEnvelope;
import io.doorstep.protocol.ProtocolException;
import io.doorstep.protocol.ServerMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** A test client over a real WebSocket (the JDK's), speaking the protocol through the shared codec. */
public final class WsClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(5);
    private static final ProtocolCodec CODEC = new ProtocolCodec();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<ServerEnvelope> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();
    private WebSocket socket;
    private long lastSeq;
    private ServerMessage.Welcome welcome;

    private WsClient() {
    }

    public static WsClient connect(URI uri, Map<String, String> headers) {
        return connect(HTTP, uri, headers);
    }

    public static WsClient connect(HttpClient http, URI uri, Map<String, String> headers) {
        WsClient client = new WsClient();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        client.socket = builder.buildAsync(uri, client.new Listener()).orTimeout(5, TimeUnit.SECONDS).join();
        return client;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    inbox.add(CODEC.decodeServer(text.getBytes(StandardCharsets.UTF_8)));
                } catch (ProtocolException e) {
                    closed.completeExceptionally(new AssertionError("server sent an invalid message: " + text, e));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }

    public String nextId() {
        return "r" + ids.incrementAndGet();
    }

    public void send(ClientMessage message) {
        sendRaw(new String(CODEC.encode(message), StandardCharsets.UTF_8));
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** Signs in and returns the welcome (fails the test on anything else). */
    public ServerMessage.Welcome hello(String token) {
        return hello(token, null);
    }

    public ServerMessage.Welcome hello(String token, ClientMessage.Resume resume) {
        if (resume != null) {
            lastSeq = resume.lastSeq();
        }
        send(new ClientMessage.Hello(nextId(), token, resume));
        welcome = expect(ServerMessage.Welcome.class);
        return welcome;
    }

    public ServerMessage.Welcome welcome() {
        return welcome;
    }

    /** Sets an agent available and waits for the confirmation. */
    public void setAvailable() {
        String id = nextId();
        send(new ClientMessage.SetAgentState(id, AgentState.AVAILABLE));
        ServerMessage.AgentStateChanged s = await(ServerMessage.AgentStateChanged.class, m -> id.equals(m.re()));
        assertThat(s.state()).isEqualTo(AgentState.AVAILABLE);
    }

    /** The next message, which must be of {@code type}. */
    public <T extends ServerMessage> T expect(Class<T> type) {
        ServerMessage m = next(WAIT);
        if (!type.isInstance(m)) {
            fail("expected " + type.getSimpleName() + " but got " + m);
        }
        return type.cast(m);
    }

    /** The next message of {@code type}, skipping others. */
    public <T extends ServerMessage> T await(Class<T> type) {
        return await(type, m -> true);
    }

    /** The next message of {@code type} that matches, skipping others. */
    public <T extends ServerMessage> T await(Class<T> type, Predicate<T> matching) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<ServerMessage> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            ServerMessage m = poll(Duration.ofNanos(deadline - System.nanoTime()));
            if (m == null) {
                break;
            }
            if (type.isInstance(m) && matching.test(type.cast(m))) {
                return type.cast(m);
            }
            skipped.add(m);
        }
        throw new AssertionError("no " + type.getSimpleName() + " within " + WAIT + "; got " + skipped);
    }

    /** The next message within {@code timeout}, failing if none arrives. */
    public ServerMessage next(Duration timeout) {
        ServerMessage m = poll(timeout);
        if (m == null) {
            fail("no message within " + timeout);
        }
        return m;
    }

    /** The next message within {@code timeout}, or null. */
    public ServerMessage poll(Duration timeout) {
        try {
            ServerEnvelope e = inbox.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                return null;
            }
            if (e.seq() > 0) {
                assertThat(e.seq()).as("seq numbers are consecutive").isEqualTo(lastSeq + 1);
                lastSeq = e.seq();
            } else if (e.message() instanceof ServerMessage.Welcome w && !w.resumed()) {
                lastSeq = 0; // a fresh session; a resumed one replays from what this client said it had
            }
            return e.message();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /** Asserts nothing arrives within {@code quiet}. */
    public void expectNothing(Duration quiet) {
        ServerMessage m = poll(quiet);
        if (m != null) {
            fail("expected no message but got " + m);
        }
    }

    /** Everything that arrives within {@code quiet}. */
    public List<ServerMessage> drain(Duration quiet) {
        List<ServerMessage> out = new ArrayList<>();
        long deadline = System.nanoTime() + quiet.toNanos();
        ServerMessage m;
        while ((m = poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) != null) {
            out.add(m);
        }
        return out;
    }

    public long lastSeq() {
        return lastSeq;
    }

    /** The WebSocket close code once the server closed the connection. */
    public int awaitClose() {
        return awaitClose(WAIT);
    }

    /**
     * The close code once the connection closed, waiting up to {@code timeout}: a crashed server's sockets close
     * with its event loops, which a loaded machine may take seconds to get to.
     */
    public int awaitClose(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the TCP connection without a close handshake, as a failing network does. */
    public void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.abort();
        }
    }
}
