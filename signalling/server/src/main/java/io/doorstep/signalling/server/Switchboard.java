package io.doorstep.signalling.server;

import io.doorstep.documents.DocumentEvent;
import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ErrorCode;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.relays.RelayLoad;
import io.doorstep.signalling.auth.Principal;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.dashboard.DashboardFeed;
import io.doorstep.signalling.devices.StationKits;
import io.doorstep.signalling.documents.DocumentDesk;
import io.doorstep.signalling.media.RelayFleet;
import io.doorstep.signalling.metrics.SignallingMetrics;
import io.doorstep.signalling.routing.Dispatcher;
import io.doorstep.signalling.routing.StateHealth;
import io.doorstep.signalling.session.Session;
import io.doorstep.signalling.session.SessionDirectory;
import io.doorstep.signalling.session.SessionManager;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single owner of all call-path state. Every event from a connection (a message, a close) is handed to its one
 * thread, where the {@link SessionManager} and the {@link Dispatcher} apply it; nothing else touches sessions, calls,
 * queues or agents, so none of them needs a lock. Applying one message takes 0.1-0.5 ms; one thread on one core keeps
 * up with 1,000 set-ups per second, twenty times a district's peak (docs/benchmarks.md).
 */
public final class Switchboard {
    private static final Logger log = LoggerFactory.getLogger(Switchboard.class);
    private static final Set<Role> STATION = EnumSet.of(Role.STATION);
    private static final Set<Role> AGENT = EnumSet.of(Role.AGENT);
    private static final Set<Role> PARTIES = EnumSet.of(Role.STATION, Role.AGENT);
    private static final Set<Role> OPERATOR = EnumSet.of(Role.OPERATOR);
    private static final Set<Role> ANYONE = EnumSet.allOf(Role.class);

    private final EventExecutor executor;
    private final SessionManager sessionManager;
    private final Dispatcher dispatcher;
    private final DocumentDesk documents;
    private final SessionDirectory sessions;
    private final SignallingConfig config;
    private final SignallingMetrics metrics;
    private final ProtocolCodec codec;
    private final Clock clock;
    private final DashboardFeed dashboard;
    private final RelayFleet relays;
    private final Map<Class<?>, Route> routes;
    private final StateHealth health;
    private volatile boolean draining;
    private volatile Forwarding forwarding = Forwarding.NONE;

    /** Hands messages about a call another node owns to that node (cluster, docs/cluster.md §3). */
    public interface Forwarding {
        /** A single box applies every message here. */
        Forwarding NONE = (from, message) -> false;

        /** True if {@code message} was sent to the owner of the call it is about, to be applied there. */
        boolean toOwner(Session from, ClientMessage message);
    }
    private volatile boolean stoodDown;

    public Switchboard(EventExecutor executor, SessionManager sessionManager, Dispatcher dispatcher,
                       DocumentDesk documents, SessionDirectory sessions, SignallingConfig config,
                       SignallingMetrics metrics, ProtocolCodec codec, Clock clock, DashboardFeed dashboard,
                       RelayFleet relays, StateHealth health) {
        this.executor = executor;
        this.sessionManager = sessionManager;
        this.dispatcher = dispatcher;
        this.documents = documents;
        this.sessions = sessions;
        this.config = config;
        this.metrics = metrics;
        this.codec = codec;
        this.clock = clock;
        this.dashboard = dashboard;
        this.relays = relays;
        this.routes = routes();
        this.health = health;
    }

    public boolean draining() {
        return draining;
    }

    /** Who forwards messages about calls owned by other nodes; set once at start in a cluster. */
    public void forwarding(Forwarding forwarding) {
        this.forwarding = forwarding;
    }

    /** True once this node learnt it was taken for dead (cluster): it serves no more and wants a restart. */
    public boolean stoodDown() {
        return stoodDown;
    }

    /**
     * Whether the call-path state can be reached: always on a single box; in a cluster, while Redis answers and the
     * node belongs to the cluster (its heartbeat renews its key).
     */
    public boolean stateAvailable() {
        return health.up();
    }

    /** A verified hello: sign in or resume, on the switchboard thread. */
    public void hello(Channel channel, Principal principal, ClientMessage.Hello hello) {
        executor.execute(() -> {
            if (stoodDown || draining && !sessionManager.resumable(hello)) {
                refuse(channel, hello.id(), ErrorCode.SERVER_DRAINING, "the server is shutting down");
                return;
            }
            // a session that exists here resumes without Redis; a new one must be findable by the other nodes
            if (!health.up() && !sessionManager.resumable(hello)) {
                refuse(channel, hello.id(), ErrorCode.STATE_UNAVAILABLE, StateHealth.UNAVAILABLE);
                return;
            }
            try {
                sessionManager.hello(channel, principal, hello);
            } catch (RuntimeException e) {
                if (!health.unreachable(e)) {
                    throw e;
                }
                refuse(channel, hello.id(), ErrorCode.STATE_UNAVAILABLE, StateHealth.UNAVAILABLE);
            }
        });
    }

    /** A message after sign-in. */
    public void message(Channel channel, ClientMessage message, int frameBytes) {
        long handedOver = System.nanoTime();
        executor.execute(() -> {
            long start = System.nanoTime();
            Session session = channel.attr(SessionManager.SESSION).get();
            if (session == null) {
                return; // replaced or ended while this message was on its way
            }
            try {
                applyOrReply(session, message, () -> apply(session, message, frameBytes));
            } finally {
                metrics.switchboard(typeName(message), start - handedOver, System.nanoTime() - start);
            }
        });
    }

    /**
     * A message another node received about a call this node owns, applied as if {@code from} (standing for the
     * session on that node) had sent it here; replies go back through the session directory. On the switchboard
     * thread.
     */
    public void applyForwarded(Session from, ClientMessage message) {
        applyOrReply(from, message, () -> routes.get(message.getClass()).handler().handle(from, message, 0));
    }

    private interface Application {
        void run() throws Dispatcher.Rejection;
    }

    /** Applies a message, answering a rejection or a failure with an error to its sender. */
    private void applyOrReply(Session session, ClientMessage message, Application application) {
        try {
            application.run();
        } catch (Dispatcher.Rejection r) {
            reply(session, message.id(), r.code(), r.getMessage(), callIdOf(message));
        } catch (RuntimeException e) {
            if (health.unreachable(e)) { // an outage, logged once where it is seen: not a fault of this message
                reply(session, message.id(), ErrorCode.STATE_UNAVAILABLE, StateHealth.UNAVAILABLE, callIdOf(message));
                return;
            }
            log.error("failed to apply {} session={} identity={}", message.getClass().getSimpleName(),
                    session.id(), session.identityId(), e);
            reply(session, message.id(), ErrorCode.INTERNAL, "the server could not apply this message",
                    callIdOf(message));
        }
    }

    /** A frame that could not be decoded, after sign-in. */
    public void failure(Channel channel, ErrorCode code, String requestId, String text) {
        executor.execute(() -> {
            Session session = channel.attr(SessionManager.SESSION).get();
            if (session != null) {
                reply(session, requestId, code, text, null);
            }
        });
    }

    /** An authenticated document event from the relay. */
    public void documentEvent(DocumentEvent event) {
        executor.execute(() -> {
            try {
                documents.event(event);
            } catch (RuntimeException e) {
                log.error("failed to apply document event={} document={} call={}", event.event(),
                        event.documentId(), event.callId(), e);
            }
        });
    }

    /** An authenticated load report from a relay. */
    public void relayLoad(RelayLoad load) {
        executor.execute(() -> relays.report(load, clock.millis()));
    }

    /**
     * A connection closed. While the state is away the session still detaches and its grace period runs; what the
     * dispatcher could not tell the state (the agent offline, the peer told) is left as it was.
     */
    public void connectionClosed(Channel channel) {
        executor.execute(() -> {
            try {
                sessionManager.connectionClosed(channel);
            } catch (RuntimeException e) {
                if (!health.unreachable(e)) {
                    throw e;
                }
                log.info("connection closed while the state is unavailable channel={}", channel.id());
            }
        });
    }

    private void apply(Session s, ClientMessage message, int frameBytes) throws Dispatcher.Rejection {
        metrics.messageIn(typeName(message));
        Route route = routes.get(message.getClass());
        if (!route.roles().contains(s.role())) {
            throw new Dispatcher.Rejection(ErrorCode.FORBIDDEN,
                    "the " + s.role().wireName() + " role may not send " + typeName(message));
        }
        if (forwarding.toOwner(s, message)) {
            return;
        }
        route.handler().handle(s, message, frameBytes);
    }

    private interface Handler {
        void handle(Session s, ClientMessage m, int frameBytes) throws Dispatcher.Rejection;
    }

    /** Who may send a message type (least privilege), and what handles it. */
    private record Route(Set<Role> roles, Handler handler) {
    }

    private <T extends ClientMessage> void route(Map<Class<?>, Route> table, Class<T> type, Set<Role> roles,
                                                 TypedHandler<T> handler) {
        table.put(type, new Route(roles, (s, m, bytes) -> handler.handle(s, type.cast(m), bytes)));
    }

    private interface TypedHandler<T> {
        void handle(Session s, T m, int frameBytes) throws Dispatcher.Rejection;
    }

    private Map<Class<?>, Route> routes() {
        Map<Class<?>, Route> t = new HashMap<>();
        route(t, ClientMessage.Hello.class, ANYONE, (s, m, b) -> {
            throw new Dispatcher.Rejection(ErrorCode.ALREADY_SIGNED_IN, "this connection is already signed in");
        });
        route(t, ClientMessage.Ping.class, ANYONE, (s, m, b) -> sessionManager.ping(s, m));
        route(t, ClientMessage.Bye.class, ANYONE, (s, m, b) -> sessionManager.bye(s, m));
        route(t, ClientMessage.CallRequest.class, STATION, (s, m, b) -> dispatcher.request(s, m));
        route(t, ClientMessage.CallCancel.class, STATION, (s, m, b) -> dispatcher.cancel(s, m));
        route(t, ClientMessage.CallAccept.class, AGENT, (s, m, b) -> dispatcher.accept(s, m));
        route(t, ClientMessage.CallReject.class, AGENT, (s, m, b) -> dispatcher.reject(s, m));
        route(t, ClientMessage.SetAgentState.class, AGENT, (s, m, b) -> dispatcher.setState(s, m));
        route(t, ClientMessage.CallHangup.class, PARTIES, (s, m, b) -> dispatcher.hangup(s, m));
        route(t, ClientMessage.Sdp.class, PARTIES,
                (s, m, b) -> dispatcher.relay(s, m, new ServerMessage.Sdp(m.callId(), m.description())));
        route(t, ClientMessage.Ice.class, PARTIES,
                (s, m, b) -> dispatcher.relay(s, m, new ServerMessage.Ice(m.callId(), m.candidate())));
        route(t, ClientMessage.IdCardRead.class, STATION,
                (s, m, b) -> device(s, m, b, new ServerMessage.IdCardRead(m.callId(), m.card())));
        route(t, ClientMessage.BarcodeScan.class, STATION,
                (s, m, b) -> device(s, m, b, new ServerMessage.BarcodeScan(m.callId(), m.barcode())));
        route(t, ClientMessage.DocumentsToken.class, PARTIES, (s, m, b) -> documents.token(s, m));
        route(t, ClientMessage.PrintRequest.class, AGENT, (s, m, b) -> documents.printRequest(s, m));
        route(t, ClientMessage.PrintResult.class, STATION, (s, m, b) -> documents.printResult(s, m));
        route(t, ClientMessage.DeviceStatus.class, STATION, (s, m, b) -> StationKits.report(s, m));
        route(t, ClientMessage.DeviceRequest.class, AGENT, (s, m, b) -> device(s, m, b,
                new ServerMessage.DeviceRequest(m.callId(), m.requestId(), m.device(), m.prompt())));
        route(t, ClientMessage.DeviceDeclined.class, STATION, (s, m, b) -> device(s, m, b,
                new ServerMessage.DeviceDeclined(m.callId(), m.requestId(), m.reason())));
        route(t, ClientMessage.CallStats.class, PARTIES, (s, m, b) -> dispatcher.callStats(s, m));
        route(t, ClientMessage.DashboardSubscribe.class, OPERATOR, (s, m, b) -> dashboard.subscribe(s, m));
        return Map.copyOf(t);
    }

    /** Device payloads carry personal data: size-limited, forwarded, never logged. */
    private void device(Session s, ClientMessage.InCall m, int frameBytes, ServerMessage toPeer)
            throws Dispatcher.Rejection {
        if (frameBytes > config.limits().maxDevicePayloadBytes()) {
            throw new Dispatcher.Rejection(ErrorCode.PAYLOAD_TOO_LARGE, "device payloads are limited to "
                    + config.limits().maxDevicePayloadBytes() + " bytes");
        }
        dispatcher.relay(s, m, toPeer);
    }

    private void reply(Session session, String re, ErrorCode code, String text, String callId) {
        metrics.error(code);
        log.info("error reply session={} identity={} code={}", session.id(), session.identityId(), code);
        session.send(new ServerMessage.Error(re, code, text, callId));
    }

    /** An error before sign-in (seq 0), then close. */
    void refuse(Channel channel, String re, ErrorCode code, String text) {
        metrics.error(code);
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(
                codec.encode(new ServerMessage.Error(re, code, text, null), 0))));
        Session.closeChannel(channel, WebSocketCloseStatus.POLICY_VIOLATION, code.name());
    }

    private static String callIdOf(ClientMessage m) {
        return m instanceof ClientMessage.InCall c ? c.callId() : null;
    }

    private static String typeName(ClientMessage m) {
        return ProtocolCodec.typeOf(m);
    }

    /**
     * Drains: no new sessions or calls; clients without a call are told to reconnect (elsewhere) and closed; calls
     * in progress may finish until the drain timeout, then end as failed. The promise completes when all is over.
     */
    public void drain(Promise<Void> done) {
        executor.execute(() -> {
            draining = true;
            dispatcher.startDraining();
            long deadline = clock.millis() + config.shutdown().drainTimeout().toMillis();
            for (Session s : sessions.all()) {
                if (dispatcher.hasActiveCall(s.identityId())) {
                    s.send(new ServerMessage.ServerShutdown(ServerMessage.ServerShutdown.FINISH_CALL,
                            config.shutdown().reconnectAfter().toMillis(), deadline));
                }
            }
            log.info("draining calls={} deadline_ms={}", dispatcher.hasCalls(), deadline);
            awaitCalls(deadline, done);
        });
    }

    private void awaitCalls(long deadline, Promise<Void> done) {
        endSessionsWithoutCalls();
        if (dispatcher.hasCalls() && clock.millis() < deadline) {
            executor.schedule(() -> awaitCalls(deadline, done), 200, TimeUnit.MILLISECONDS);
            return;
        }
        dispatcher.failAllCalls("SERVER_SHUTDOWN");
        for (Session s : List.copyOf(sessions.all())) {
            sessionManager.end(s, "SERVER_SHUTDOWN", WebSocketCloseStatus.SERVICE_RESTART);
        }
        done.trySuccess(null);
    }

    /** While draining, a session whose call has ended is told to reconnect elsewhere and closed. */
    private void endSessionsWithoutCalls() {
        for (Session s : List.copyOf(sessions.all())) {
            if (!dispatcher.hasActiveCall(s.identityId())) {
                s.send(new ServerMessage.ServerShutdown(ServerMessage.ServerShutdown.RECONNECT,
                        config.shutdown().reconnectAfter().toMillis(), 0));
                sessionManager.end(s, "SERVER_SHUTDOWN", WebSocketCloseStatus.SERVICE_RESTART);
            }
        }
    }

    /**
     * This node was taken for dead (cluster, docs/cluster.md §7): the others have reclaimed its calls. It stops
     * serving: no new sessions or calls, no timers of its own, and every session is told to reconnect (to another
     * node) and closed without ending its call, which goes on where it was reclaimed. Runs on the switchboard thread.
     */
    public void standDown() {
        if (stoodDown) {
            return;
        }
        stoodDown = true;
        dispatcher.standDown();
        sessionManager.dropAll(new ServerMessage.ServerShutdown(ServerMessage.ServerShutdown.RECONNECT, 0, 0),
                "SERVER_SHUTDOWN");
        log.warn("stood down: taken for dead by the cluster, sessions closed");
    }

    /** Runs a read of the live state on the switchboard thread. */
    public void snapshot(java.util.function.Consumer<Map<String, Object>> consumer) {
        executor.execute(() -> consumer.accept(dashboard.apiSnapshot()));
    }
}
