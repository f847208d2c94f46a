package io.doorstep.signalling.cluster;

import static io.lettuce.core.ClientOptions.DisconnectedBehavior.REJECT_COMMANDS;

import io.doorstep.signalling.config.SignallingConfig;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A node's connections to Redis, whatever its topology: one Redis or a Sentinel-managed primary through
 * {@link RedisClient} ({@code cluster.redis-topology: standalone}), or a Redis Cluster through
 * {@link RedisClusterClient} ({@code cluster}). The stores see only {@link RedisClusterCommands}, the commands both
 * have. On either, a command fails after {@link #COMMAND_TIMEOUT}, and at once while the connection is down (lettuce
 * rejects it rather than queueing it behind a switchboard that waits); lettuce reconnects by itself, at least once a
 * second, so a node is back within about a second of Redis (docs/cluster.md §9).
 */
final class RedisConnections implements AutoCloseable {
    /** How long the switchboard waits for one Redis reply before the command fails. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /** The longest wait between two reconnection attempts (lettuce's default grows to 30 s). */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final Function<Consumer<StatefulConnection<?, ?>>, RedisClusterCommands<String, String>> commands;
    private final Supplier<StatefulRedisPubSubConnection<String, String>> pubSub;
    private final List<StatefulConnection<?, ?>> opened = new CopyOnWriteArrayList<>();

    /** {@code commands} opens a connection, hands it to its argument, and returns its commands. */
    private RedisConnections(ClientResources resources, AbstractRedisClient client,
                             Function<Consumer<StatefulConnection<?, ?>>, RedisClusterCommands<String, String>> commands,
                             Supplier<StatefulRedisPubSubConnection<String, String>> pubSub) {
        this.resources = resources;
        this.client = client;
        this.commands = commands;
        this.pubSub = pubSub;
    }

    /** Connects as {@code config} says; nothing is opened until the first {@link #commands()}. */
    static RedisConnections open(SignallingConfig.Cluster config) {
        ClientResources resources = ClientResources.builder().reconnectDelay(Delay.exponential(Duration.ofMillis(10),
                MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS)).build();
        try {
            return config.redisCluster() ? cluster(resources, config.redisUri())
                    : standalone(resources, config.redisUri());
        } catch (RuntimeException e) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    private static RedisConnections standalone(ClientResources resources, String uri) {
        RedisURI redisUri = RedisURI.create(uri);
        redisUri.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create(resources, redisUri);
        client.setOptions(ClientOptions.builder().disconnectedBehavior(REJECT_COMMANDS).build());
        return new RedisConnections(resources, client, opened -> {
            StatefulRedisConnection<String, String> connection = client.connect();
            opened.accept(connection);
            return connection.sync();
        }, client::connectPubSub);
    }

    /** A Redis Cluster: the URI names one or more seed nodes ({@code redis://host1:6379,host2:6379}). */
    private static RedisConnections cluster(ClientResources resources, String uri) {
        List<RedisURI> seeds = RedisClusterURIUtil.toRedisURIs(URI.create(uri));
        seeds.forEach(seed -> seed.setTimeout(COMMAND_TIMEOUT));
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        client.setOptions(ClusterClientOptions.builder().disconnectedBehavior(REJECT_COMMANDS).build());
        return new RedisConnections(resources, client, opened -> {
            StatefulRedisClusterConnection<String, String> connection = client.connect();
            opened.accept(connection);
            return connection.sync();
        }, client::connectPubSub);
    }

    /** A new connection of its own (the switchboard's must not wait behind the heartbeat's), as its commands. */
    RedisClusterCommands<String, String> commands() {
        return commands.apply(opened::add);
    }

    /** A new pub/sub connection; lettuce subscribes it again to its channels after a reconnect. */
    StatefulRedisPubSubConnection<String, String> pubSub() {
        StatefulRedisPubSubConnection<String, String> connection = pubSub.get();
        opened.add(connection);
        return connection;
    }

    /**
     * Whether every connection opened here is connected (again): after an outage they come back one by one, and
     * the switchboard's may still be reconnecting when the heartbeat's already answers.
     */
    boolean connected() {
        return opened.stream().allMatch(StatefulConnection::isOpen);
    }

    /** Closes every connection opened here (the client tracks them) and the client's threads. */
    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
