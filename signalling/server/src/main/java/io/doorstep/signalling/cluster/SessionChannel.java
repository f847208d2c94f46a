package io.doorstep.signalling.cluster;

import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.ServerMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's pub/sub channel: messages other nodes publish for the sessions this node holds. A published message is
 * the identity, a newline, and the server message as the codec writes it (seq 0: the receiving session numbers it).
 * Pub/sub is at most once: a message for a node that is going away is lost with its sessions (docs/cluster.md §5).
 */
public final class SessionChannel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionChannel.class);

    private final StatefulRedisPubSubConnection<String, String> connection;

    private SessionChannel(StatefulRedisPubSubConnection<String, String> connection) {
        this.connection = connection;
    }

    /** The text published for {@code identityId}'s session. */
    static String payload(ProtocolCodec codec, String identityId, ServerMessage message) {
        return identityId + "\n" + new String(codec.encode(message, 0), StandardCharsets.UTF_8);
    }

    /**
     * Subscribes to {@code nodeId}'s channel on a connection of its own (a subscribed connection can do nothing
     * else); {@code deliver} gets each message's identity and message, on a lettuce thread.
     */
    public static SessionChannel subscribe(RedisClient client, RedisKeys keys, String nodeId, ProtocolCodec codec,
                                           BiConsumer<String, ServerMessage> deliver) {
        StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String payload) {
                int newline = payload.indexOf('\n');
                try {
                    deliver.accept(payload.substring(0, newline), codec.decodeServer(
                            payload.substring(newline + 1).getBytes(StandardCharsets.UTF_8)).message());
                } catch (Exception e) {
                    log.error("undeliverable message on channel={}: {}", channel, e.toString());
                }
            }
        });
        connection.sync().subscribe(keys.channel(nodeId));
        return new SessionChannel(connection);
    }

    @Override
    public void close() {
        connection.close();
    }
}
