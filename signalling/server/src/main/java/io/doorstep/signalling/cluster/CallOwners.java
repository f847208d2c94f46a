package io.doorstep.signalling.cluster;

import io.doorstep.protocol.ClientMessage;
import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.signalling.auth.Principal;
import io.doorstep.signalling.routing.Dispatcher;
import io.doorstep.signalling.routing.OtherNodes;
import io.doorstep.signalling.server.Switchboard;
import io.doorstep.signalling.session.Session;
import io.doorstep.signalling.session.SessionDirectory;
import io.doorstep.signalling.session.SessionListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per call (docs/cluster.md §3): every transition of a call is applied by the switchboard of the node that
 * owns it (its {@code node} field in Redis). A node that sees an event about a call another node owns (a party's call
 * message, a party's session signing in, dropping, resuming or ending, a ring timer it set) publishes it on the
 * owner's channel instead of applying it, and the owner applies it as if the party's session were its own, replies
 * going back through {@link SessionDirectory#deliver}. Events of one call are thereby applied one at a time, in one
 * place, as on a single box. If the owner hears nothing (no subscriber: it is gone), the event is applied here, on
 * the state in Redis, as before forwarding existed; a dead owner's calls become a survivor's (§7).
 */
public final class CallOwners implements Switchboard.Forwarding, OtherNodes {
    private static final Logger log = LoggerFactory.getLogger(CallOwners.class);
    /** The client messages that change a call; the others (SDP, ICE, devices, stats) only pass through it. */
    private static final Set<Class<?>> CALL_CHANGES = Set.of(ClientMessage.CallCancel.class,
            ClientMessage.CallAccept.class, ClientMessage.CallReject.class, ClientMessage.CallHangup.class);

    private final RedisClusterCommands<String, String> redis;
    private final RedisKeys keys;
    private final String nodeId;
    private final ProtocolCodec codec = new ProtocolCodec();

    CallOwners(RedisClusterCommands<String, String> redis, RedisKeys keys, String nodeId) {
        this.redis = redis;
        this.keys = keys;
        this.nodeId = nodeId;
    }

    @Override
    public boolean toOwner(Session from, ClientMessage message) {
        if (!CALL_CHANGES.contains(message.getClass())) {
            return false;
        }
        String callId = ((ClientMessage.InCall) message).callId();
        return send(redis.hget(keys.call(callId), "node"), new OwnerEvent(from.identityId(), from.role(), from.id(),
                OwnerEvent.Kind.MESSAGE, "", message));
    }

    @Override
    public boolean ringTimeout(String callId, String agentId, long offeredAt) {
        return send(redis.hget(keys.call(callId), "node"), OwnerEvent.ringTimeout(callId, agentId, offeredAt));
    }

    @Override
    public void queuesChanged(Collection<String> skillGroups) {
        for (String group : skillGroups) {
            redis.publish(keys.queueChanges(), SessionChannel.queueChanged(nodeId, group));
        }
    }

    /**
     * The session events of parties whose call another node owns go to that node; the others reach {@code local}
     * (the dispatcher) here. The events of one session are published in order on one connection, so the owner
     * applies them in the order they happened.
     */
    public SessionListener inFrontOf(SessionListener local) {
        return new SessionListener() {
            @Override
            public void onSignedIn(Session session, boolean tookOver) {
                toOwnerOr(local, session, OwnerEvent.Kind.SIGNED_IN, Boolean.toString(tookOver),
                        () -> local.onSignedIn(session, tookOver));
            }

            @Override
            public void onDetached(Session session) {
                toOwnerOr(local, session, OwnerEvent.Kind.DETACHED, "", () -> local.onDetached(session));
            }

            @Override
            public void onResumed(Session session) {
                toOwnerOr(local, session, OwnerEvent.Kind.RESUMED, "", () -> local.onResumed(session));
            }

            @Override
            public void onClosed(Session session, String cause) {
                toOwnerOr(local, session, OwnerEvent.Kind.CLOSED, cause, () -> local.onClosed(session, cause));
            }
        };
    }

    /** The event goes to the owner of the session's call, or, if that is this node (or none), is applied {@code here}. */
    private void toOwnerOr(SessionListener local, Session session, OwnerEvent.Kind kind, String argument,
                           Runnable here) {
        if (forward(session, kind, argument)) {
            local.onAppliedElsewhere(session);
        } else {
            here.run();
        }
    }

    /**
     * While Redis is away no owner can be looked up or told: the event is applied here, by a dispatcher that rides
     * out the outage (docs/cluster.md §9) and settles with the state when Redis returns.
     */
    private boolean forward(Session session, OwnerEvent.Kind kind, String argument) {
        try {
            String callId = redis.hget(keys.parties(), session.identityId());
            if (callId == null) {
                return false;
            }
            return send(redis.hget(keys.call(callId), "node"), new OwnerEvent(session.identityId(), session.role(),
                    session.id(), kind, argument, null));
        } catch (RedisException e) {
            log.debug("call owner not reachable identity={} event={}: applied here ({})", session.identityId(), kind,
                    e.toString());
            return false;
        }
    }

    /** Publishes the event for {@code owner}; false if that is this node, nobody, or a node no longer listening. */
    private boolean send(String owner, OwnerEvent event) {
        if (owner == null || owner.equals(nodeId)) {
            return false;
        }
        long heard = redis.publish(keys.channel(owner), SessionChannel.forOwner(codec, event));
        if (heard == 0) {
            log.warn("call owner not listening owner={} identity={} event={}: applied here", owner,
                    event.identityId(), event.kind());
            return false;
        }
        log.debug("to call owner owner={} identity={} event={}", owner, event.identityId(), event.kind());
        return true;
    }

    /**
     * Applies, on the switchboard thread, an event another node sent this node as the owner of its call: the party's
     * session is stood for by one whose messages go back through {@code sessions}.
     */
    public static void apply(OwnerEvent event, Switchboard switchboard, Dispatcher dispatcher,
                             SessionDirectory sessions) {
        if (event.kind() == OwnerEvent.Kind.RING_TIMEOUT) {
            dispatcher.ringTimeout(event.callId(), event.identityId(), event.offeredAt());
            return;
        }
        Session party = Session.heldElsewhere(event.sessionId(), new Principal(event.identityId(),
                event.identityId(), event.role(), Instant.MAX), m -> sessions.deliver(event.identityId(), m));
        try {
            switch (event.kind()) {
                case MESSAGE -> switchboard.applyForwarded(party, event.message());
                case SIGNED_IN -> dispatcher.onSignedIn(party, Boolean.parseBoolean(event.argument()));
                case DETACHED -> dispatcher.onDetached(party);
                case RESUMED -> dispatcher.onResumed(party);
                case CLOSED -> dispatcher.onClosed(party, event.argument());
                default -> throw new IllegalStateException("unexpected owner event " + event.kind());
            }
        } catch (RuntimeException e) {
            log.error("failed to apply owner event={} identity={} session={}", event.kind(), event.identityId(),
                    event.sessionId(), e);
        }
    }
}
