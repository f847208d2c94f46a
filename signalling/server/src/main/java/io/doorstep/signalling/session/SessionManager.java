package io.doorstep.signalling.session;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.auth.Principal;
import io.doorstep.signalling.config.SignallingConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in, resume, take-over, heartbeat acknowledgements, sign-out and the grace period of sessions. Runs on the
 * switchboard thread.
 */
public final class SessionManager {
    /** The session a connection carries, once signed in. */
    public static final AttributeKey<Session> SESSION = AttributeKey.valueOf("doorstep.session");

    /** Close reasons and causes, also seen by clients. */
    public static final String SIGNED_OUT = "SIGNED_OUT";
    public static final String GRACE_EXPIRED = "RESUME_GRACE_EXPIRED";
    public static final String SESSION_NOT_FOUND = "SESSION_NOT_FOUND";
    public static final String REPLAY_UNAVAILABLE = "REPLAY_UNAVAILABLE";
    public static final String IDENTITY_MISMATCH = "IDENTITY_MISMATCH";

    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SessionDirectory sessions;
    private final SessionListener listener;
    private final SignallingConfig.Session config;
    private final ServerMessage.Limits limits;
    private final ProtocolCodec codec;
    private final EventExecutor executor;
    private final Clock clock;
    private final Session.KitChanges kitChanges;

    /** {@code kitChanges} hears of every change to a station's kit on this node (the device gauges follow it). */
    public SessionManager(SessionDirectory sessions, SessionListener listener, SignallingConfig config,
                          ProtocolCodec codec, EventExecutor executor, Clock clock, Session.KitChanges kitChanges) {
        this.sessions = sessions;
        this.listener = listener;
        this.config = config.session();
        SignallingConfig.Limits l = config.limits();
        this.limits = new ServerMessage.Limits(l.maxFrameBytes(), l.maxDevicePayloadBytes(), l.messagesPerSecond(),
                l.burst());
        this.codec = codec;
        this.executor = executor;
        this.clock = clock;
        this.kitChanges = kitChanges;
    }

    /** Whether {@code hello} asks to resume a session that exists (a draining server still lets those back). */
    public boolean resumable(ClientMessage.Hello hello) {
        return hello.resume() != null && sessions.get(hello.resume().sessionId()).filter(s -> !s.closed()).isPresent();
    }

    /** A verified {@code hello}: resume the named session if possible, otherwise start a fresh one. */
    public void hello(Channel channel, Principal principal, ClientMessage.Hello hello) {
        if (!channel.isActive()) {
            return;
        }
        String resumeError = null;
        if (hello.resume() != null) {
            Optional<Session> old = sessions.get(hello.resume().sessionId());
            resumeError = resumeRefusal(old, principal, hello.resume().lastSeq());
            if (resumeError == null) {
                resume(old.get(), channel, hello);
                return;
            }
            log.info("resume refused session={} identity={} cause={}", hello.resume().sessionId(), principal.id(),
                    resumeError);
        }
        start(channel, principal, hello, resumeError);
    }

    private static String resumeRefusal(Optional<Session> old, Principal principal, long lastSeq) {
        if (old.isEmpty() || old.get().closed()) {
            return SESSION_NOT_FOUND;
        }
        if (!old.get().identityId().equals(principal.id())) {
            return IDENTITY_MISMATCH;
        }
        return old.get().canResumeAfter(lastSeq) ? null : REPLAY_UNAVAILABLE;
    }

    private void resume(Session session, Channel channel, ClientMessage.Hello hello) {
        boolean wasDetached = !session.online();
        if (!wasDetached) {
            // The client saw its connection die before we did: retire the stale one quietly.
            Channel stale = session.channel();
            stale.attr(SESSION).set(null);
            Session.closeChannel(stale, WebSocketCloseStatus.NORMAL_CLOSURE, "resumed elsewhere");
        }
        session.cancelGraceTimer();
        session.acknowledge(hello.resume().lastSeq());
        channel.attr(SESSION).set(session);
        writeHandshake(channel, welcome(hello.id(), session, true, null));
        session.attach(channel, hello.resume().lastSeq());
        log.info("session resumed session={} identity={} replayed_after={}", session.id(), session.identityId(),
                hello.resume().lastSeq());
        if (wasDetached) {
            listener.onResumed(session);
        }
    }

    private void start(Channel channel, Principal principal, ClientMessage.Hello hello, String resumeError) {
        Optional<Session> previous = sessions.byIdentity(principal.id());
        previous.ifPresent(this::replace);
        Session session = new Session(newId(), principal, codec, config.replayBuffer(), kitChanges);
        sessions.put(session);
        channel.attr(SESSION).set(session);
        writeHandshake(channel, welcome(hello.id(), session, false, resumeError));
        session.attach(channel, 0);
        log.info("session started session={} identity={} role={} took_over={}", session.id(), principal.id(),
                principal.role().wireName(), previous.isPresent());
        listener.onSignedIn(session, previous.isPresent());
    }

    /** The identity signed in on another node: its session here, if it is still {@code sessionId}, is replaced. */
    public void replacedElsewhere(String identityId, String sessionId) {
        sessions.byIdentity(identityId).filter(s -> s.id().equals(sessionId)).ifPresent(this::replace);
    }

    /** The same identity signed in again: the older session is told why and closed; its calls carry over. */
    private void replace(Session old) {
        old.send(new ServerMessage.SessionReplaced("signed in on another connection"));
        if (old.channel() != null) {
            old.channel().attr(SESSION).set(null);
        }
        old.close(WebSocketCloseStatus.POLICY_VIOLATION, "session replaced");
        sessions.remove(old);
        log.info("session replaced session={} identity={}", old.id(), old.identityId());
    }

    private ServerMessage.Welcome welcome(String re, Session s, boolean resumed, String resumeError) {
        return new ServerMessage.Welcome(re, s.id(), new ServerMessage.Identity(s.identityId(),
                s.principal().name(), s.role()),
                new ServerMessage.Heartbeat(config.heartbeatInterval().toMillis(), config.heartbeatTimeout().toMillis()),
                config.resumeGrace().toMillis(), resumed, resumeError, s.lastSeq(), limits, clock.millis());
    }

    private void writeHandshake(Channel channel, ServerMessage message) {
        channel.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(codec.encode(message, 0))), channel.voidPromise());
    }

    /** A ping: drop acknowledged messages and answer. */
    public void ping(Session session, ClientMessage.Ping ping) {
        session.acknowledge(ping.ack());
        session.send(new ServerMessage.Pong(ping.id(), clock.millis()));
    }

    /** Sign-out: the session ends now. */
    public void bye(Session session, ClientMessage.Bye bye) {
        if (bye.id() != null) {
            session.send(new ServerMessage.Ok(bye.id()));
        }
        end(session, SIGNED_OUT, WebSocketCloseStatus.NORMAL_CLOSURE);
    }

    /** A connection closed. If it was the session's current one, the grace period starts. */
    public void connectionClosed(Channel channel) {
        Session session = channel.attr(SESSION).getAndSet(null);
        if (session == null || session.closed() || session.channel() != channel) {
            return;
        }
        session.detach();
        session.graceTimer(executor.schedule(() -> end(session, GRACE_EXPIRED, WebSocketCloseStatus.NORMAL_CLOSURE),
                config.resumeGrace().toMillis(), TimeUnit.MILLISECONDS));
        log.info("session detached session={} identity={} grace_ms={}", session.id(), session.identityId(),
                config.resumeGrace().toMillis());
        listener.onDetached(session);
    }

    /**
     * Sends every session {@code goodbye} and closes it with 1012 {@code cause}, without ending it here: its calls
     * and its agent's state are no longer this node's to change (it was taken for dead), so no store is written and
     * the client signs in afresh on another node.
     */
    public void dropAll(ServerMessage goodbye, String cause) {
        for (Session session : List.copyOf(sessions.all())) {
            session.send(goodbye);
            if (session.channel() != null) {
                session.channel().attr(SESSION).set(null);
            }
            session.close(WebSocketCloseStatus.SERVICE_RESTART, cause);
            log.info("session dropped session={} identity={} cause={}", session.id(), session.identityId(), cause);
        }
    }

    /** Ends a session for good. */
    public void end(Session session, String cause, WebSocketCloseStatus status) {
        if (session.closed()) {
            return;
        }
        if (session.channel() != null) {
            session.channel().attr(SESSION).set(null);
        }
        session.close(status, cause);
        sessions.remove(session);
        log.info("session ended session={} identity={} cause={}", session.id(), session.identityId(), cause);
        listener.onClosed(session, cause);
    }

    private static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
