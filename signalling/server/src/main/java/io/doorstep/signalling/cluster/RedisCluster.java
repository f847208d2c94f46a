package io.doorstep.signalling.cluster;

import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.call.JsonLinesCallLog;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.routing.Dispatcher;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in a cluster: the Redis connections, the stores on them, the node's heartbeat and, if configured,
 * the call log archiver. The heartbeat and the archiver run on a thread of their own, never on the switchboard.
 */
public final class RedisCluster implements AutoCloseable {
    /** How long the switchboard waits for one Redis reply before the command fails. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration ARCHIVE_INTERVAL = Duration.ofMillis(200);
    private static final int ARCHIVE_BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> state;
    private final StatefulRedisConnection<String, String> background;
    private final RedisKeys keys;
    private final String nodeId;
    private final NodeRegistry nodes;
    private final ScheduledExecutorService scheduler;
    private final CallLogArchiver archiver;
    private final RedisSessionDirectory sessions;
    private final SessionChannel channel;
    private final Executor switchboard;
    private volatile boolean alive = true;
    private volatile boolean takenForDead;
    private volatile BiConsumer<String, String> takeOvers = (identity, sessionId) -> { };
    private volatile Consumer<NodeRegistry.Reclaimed> reclaims; // null until the switchboard can carry them on
    private volatile Runnable standDown = () -> { };

    private RedisCluster(RedisClient client, SignallingConfig.Cluster config, JsonLinesCallLog archive,
                         Executor switchboard, Clock clock) {
        this.client = client;
        this.switchboard = switchboard;
        // While Redis is away, fail commands at once rather than queueing them behind a switchboard that waits.
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        this.state = client.connect();
        this.background = client.connect();
        this.keys = new RedisKeys(config.keyPrefix());
        this.nodeId = config.nodeIdOrHostName();
        this.nodes = new NodeRegistry(background.sync(), keys, nodeId, config.nodeTimeout(), clock);
        this.sessions = new RedisSessionDirectory(state.sync(), keys, nodeId);
        this.channel = SessionChannel.subscribe(client, keys, nodeId, new ProtocolCodec(),
                new SessionChannel.Receiver() {
                    @Override
                    public void message(String identity, ServerMessage message) {
                        switchboard.execute(() -> sessions.deliverHere(identity, message));
                    }

                    @Override
                    public void replaced(String identity, String sessionId) {
                        switchboard.execute(() -> takeOvers.accept(identity, sessionId));
                    }
                });
        // Registered only now, with the heartbeat starting at once: a slow start must not outlast the key's TTL.
        nodes.register();
        this.archiver = config.archiveCallLog()
                ? new CallLogArchiver(background.sync(), keys, nodeId, archive, config.nodeTimeout()) : null;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cluster"));
        long beat = config.heartbeatInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        if (archiver != null) {
            scheduler.scheduleWithFixedDelay(this::archive, 0, ARCHIVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
        log.info("cluster node joined node={} key_prefix={} archive_call_log={}", nodeId, config.keyPrefix(),
                archiver != null);
    }

    /**
     * Connects to Redis and joins the cluster as {@code config.nodeIdOrHostName()}; the archiver, if configured,
     * copies the call log stream into {@code archive}; messages other nodes publish for this node's sessions are
     * delivered on the {@code switchboard} thread.
     */
    public static RedisCluster join(SignallingConfig.Cluster config, JsonLinesCallLog archive, Executor switchboard,
                                    Clock clock) {
        RedisURI uri = RedisURI.create(config.redisUri());
        uri.setTimeout(COMMAND_TIMEOUT);
        RedisClient client = RedisClient.create(uri);
        try {
            return new RedisCluster(client, config, archive, switchboard, clock);
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    public String nodeId() {
        return nodeId;
    }

    /**
     * Who ends a session here when its identity signs in on another node (identity, session id); called on the
     * switchboard thread.
     */
    public void onTakeOver(BiConsumer<String, String> handler) {
        this.takeOvers = handler;
    }

    /**
     * Who carries on what this node reclaims from a dead node (docs/cluster.md §7); called on the switchboard
     * thread, once per dead node, on the one node that won it.
     */
    public void onReclaim(Consumer<NodeRegistry.Reclaimed> handler) {
        this.reclaims = handler;
    }

    /**
     * Who stops this node's serving once it learns it was taken for dead (the others have reclaimed its calls);
     * called on the switchboard thread, once.
     */
    public void onTakenForDead(Runnable handler) {
        this.standDown = handler;
        if (takenForDead) { // before there was anyone to tell
            switchboard.execute(handler);
        }
    }

    /** False once a heartbeat failed (Redis unreachable) or found this node taken for dead. */
    public boolean alive() {
        return alive;
    }

    /** The stores on this node's state connection, for the switchboard thread; one session directory per node. */
    public Dispatcher.Stores stores() {
        RedisClusterCommands<String, String> redis = state.sync();
        return new Dispatcher.Stores(new RedisCallStore(redis, keys, nodeId), new RedisCallQueue(redis, keys),
                new RedisAgentRegistry(redis, keys), sessions,
                new RedisStreamCallLog(redis, keys), new RedisAssignments(redis, keys));
    }

    private void heartbeat() {
        try {
            boolean ok = nodes.heartbeat();
            if (!ok && !takenForDead) {
                takenForDead = true;
                log.error("cluster node taken for dead node={}: its heartbeat key lapsed; it stops serving", nodeId);
                switchboard.execute(standDown);
            }
            alive = ok;
            if (ok && reclaims != null) {
                reclaimDeadNodes();
            }
        } catch (RuntimeException e) {
            if (alive) {
                log.error("cluster heartbeat failed node={}: {}", nodeId, e.toString());
            }
            alive = false;
        }
    }

    /** Each dead node is reclaimed by exactly one survivor; this node carries on what it wins. */
    private void reclaimDeadNodes() {
        for (String dead : nodes.deadNodes()) {
            nodes.reclaim(dead).ifPresent(r -> {
                log.warn("cluster node dead node={} reclaimed_by={} calls={} sessions={}", dead, nodeId,
                        r.callIds().size(), r.identities().size());
                switchboard.execute(() -> {
                    try {
                        reclaims.accept(r);
                    } catch (RuntimeException e) {
                        log.error("carrying on the calls of dead node={} failed", dead, e);
                    }
                });
            });
        }
    }

    private void archive() {
        try {
            archiver.drain(ARCHIVE_BATCH);
        } catch (IOException | RuntimeException e) {
            log.warn("call log archiving failed node={}: {}", nodeId, e.toString());
        }
    }

    /** Stops the heartbeat, archives what is left, leaves the cluster (so the others reclaim at once) and disconnects. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
            if (archiver != null) {
                archive();
            }
            nodes.leave();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("leaving the cluster failed node={}: {}", nodeId, e.toString());
        }
        disconnect();
        log.info("cluster node left node={}", nodeId);
    }

    /**
     * Stops as a killed process would, for tests: no archiving, no leave, the connections just close; the other
     * nodes see this one dead only when its key expires.
     */
    public void halt() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS); // a heartbeat under way may not renew the key after this
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        disconnect();
    }

    private void disconnect() {
        channel.close();
        state.close();
        background.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
