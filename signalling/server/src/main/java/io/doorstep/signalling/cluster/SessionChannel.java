package io.doorstep.signalling.cluster;

import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.ServerMessage;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's pub/sub channel: what other nodes publish for the sessions this node holds. Either a message for a
 * session ({@code m}, the identity, a newline, the server message as the codec writes it with seq 0: the receiving
 * session numbers it), or word that an identity signed in on another node ({@code r}, the identity, a newline, the
 * id of the session here it replaces), or an event about a call this node owns, seen by another node ({@code o}, an
 * {@link OwnerEvent}: the node applies it as the call's one writer, docs/cluster.md §3). The node also hears the
 * cluster-wide channel of queue changes (a node, a tab, a skill group), to refresh its own stations' places. Pub/sub
 * is at most once: what is published for a node that is going away is lost with its sessions (docs/cluster.md §5).
 */
public final class SessionChannel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionChannel.class);

    private final StatefulRedisPubSubConnection<String, String> connection;

    private SessionChannel(StatefulRedisPubSubConnection<String, String> connection) {
        this.connection = connection;
    }

    /** What a node does with what is published for it; both run on a lettuce thread. */
    public interface Receiver {
        /** A message for the identity's session here. */
        void message(String identityId, ServerMessage message);

        /** The identity signed in on another node: its session {@code sessionId} here is replaced. */
        void replaced(String identityId, String sessionId);

        /** An event about a call this node owns, seen by another node. */
        void forOwner(OwnerEvent event);

        /** Another node changed a skill group's queue. */
        void queueChanged(String skillGroup);
    }

    /** The text published for {@code identityId}'s session. */
    static String message(ProtocolCodec codec, String identityId, ServerMessage message) {
        return "m" + identityId + "\n" + new String(codec.encode(message, 0), StandardCharsets.UTF_8);
    }

    /** The text published for the owner of a call. */
    static String forOwner(ProtocolCodec codec, OwnerEvent event) {
        return "o" + event.text(codec);
    }

    /** The text published on the queue changes' channel when {@code nodeId} changed a skill group's queue. */
    static String queueChanged(String nodeId, String skillGroup) {
        return nodeId + "\t" + skillGroup;
    }

    /** The text published when {@code identityId} signs in elsewhere, replacing {@code sessionId}. */
    static String replaced(String identityId, String sessionId) {
        return "r" + identityId + "\n" + sessionId;
    }

    /**
     * Subscribes to {@code nodeId}'s channel on {@code connection}, which is its own from now on (a subscribed
     * connection can do nothing else); {@code receiver} gets what is published, on a lettuce thread. After a lost
     * connection lettuce reconnects and subscribes again by itself; what was published meanwhile is lost (§5).
     */
    public static SessionChannel subscribe(StatefulRedisPubSubConnection<String, String> connection, RedisKeys keys,
                                           String nodeId, ProtocolCodec codec, Receiver receiver) {
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String payload) {
                int newline = payload.indexOf('\n');
                try {
                    if (channel.equals(keys.queueChanges())) {
                        int tab = payload.indexOf('\t');
                        if (!payload.substring(0, tab).equals(nodeId)) {
                            receiver.queueChanged(payload.substring(tab + 1));
                        }
                        return;
                    }
                    if (payload.charAt(0) == 'o') {
                        receiver.forOwner(OwnerEvent.parse(payload.substring(1), codec));
                        return;
                    }
                    String identity = payload.substring(1, newline);
                    String rest = payload.substring(newline + 1);
                    if (payload.charAt(0) == 'r') {
                        receiver.replaced(identity, rest);
                    } else {
                        receiver.message(identity, codec.decodeServer(rest.getBytes(StandardCharsets.UTF_8))
                                .message());
                    }
                } catch (Exception e) {
                    log.error("undeliverable message on channel={}: {}", channel, e.toString());
                }
            }
        });
        connection.sync().subscribe(keys.channel(nodeId), keys.queueChanges());
        return new SessionChannel(connection);
    }

    @Override
    public void close() {
        connection.close();
    }
}
