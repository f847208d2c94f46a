package io.doorstep.signalling.cluster;

import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.call.JsonLinesCallLog;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.documents.CallDocuments;
import io.doorstep.signalling.media.CallRelays;
import io.doorstep.signalling.media.RelayFleet;
import io.doorstep.signalling.quality.CallQuality;
import io.doorstep.signalling.routing.Dispatcher;
import io.doorstep.signalling.routing.StateHealth;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in a cluster: the Redis connections, the stores on them, the node's heartbeat and, if configured,
 * the call log archiver. The heartbeat and the archiver run on a thread of their own, never on the switchboard.
 */
public final class RedisCluster implements AutoCloseable {
    private static final Duration ARCHIVE_INTERVAL = Duration.ofMillis(200);
    private static final int ARCHIVE_BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);

    private final RedisConnections connections;
    private final RedisClusterCommands<String, String> state;
    private final RedisKeys keys;
    private final String nodeId;
    private final NodeRegistry nodes;
    private final RedisHealth health;
    private final Clock clock;
    private final Duration nodeTimeout;
    /** No dead node is reclaimed before this time (ms): set when Redis returns after an outage. */
    private volatile long reclaimAfter;
    private final ScheduledExecutorService scheduler;
    private final CallLogArchiver archiver;
    private final RedisSessionDirectory sessions;
    private final SessionChannel channel;
    private final Executor switchboard;
    private volatile boolean alive = true;
    private volatile boolean takenForDead;
    private volatile BiConsumer<String, String> takeOvers = (identity, sessionId) -> { };
    private volatile Consumer<OwnerEvent> ownerEvents = event -> { };
    private volatile Consumer<String> queueChanges = group -> { };
    private volatile Runnable afterReturn = () -> { };
    private volatile Consumer<NodeRegistry.Reclaimed> reclaims; // null until the switchboard can carry them on
    private volatile Runnable standDown = () -> { };

    private RedisCluster(RedisConnections connections, SignallingConfig.Cluster config, JsonLinesCallLog archive,
                         Executor switchboard, Clock clock) {
        this.connections = connections;
        this.switchboard = switchboard;
        this.state = connections.commands();
        RedisClusterCommands<String, String> background = connections.commands();
        this.keys = new RedisKeys(config.keyPrefix());
        this.nodeId = config.nodeIdOrHostName();
        this.health = new RedisHealth(nodeId, clock);
        this.clock = clock;
        this.nodeTimeout = config.nodeTimeout();
        this.nodes = new NodeRegistry(background, keys, nodeId, config.nodeTimeout(), clock);
        this.sessions = new RedisSessionDirectory(state, keys, nodeId);
        this.channel = SessionChannel.subscribe(connections.pubSub(), keys, nodeId, new ProtocolCodec(),
                new SessionChannel.Receiver() {
                    @Override
                    public void message(String identity, ServerMessage message) {
                        switchboard.execute(() -> sessions.deliverHere(identity, message));
                    }

                    @Override
                    public void replaced(String identity, String sessionId) {
                        switchboard.execute(() -> takeOvers.accept(identity, sessionId));
                    }

                    @Override
                    public void forOwner(OwnerEvent event) {
                        switchboard.execute(() -> ownerEvents.accept(event));
                    }

                    @Override
                    public void queueChanged(String skillGroup) {
                        switchboard.execute(() -> queueChanges.accept(skillGroup));
                    }
                });
        // Registered only now, with the heartbeat starting at once: a slow start must not outlast the key's TTL.
        nodes.register();
        this.archiver = config.archiveCallLog()
                ? new CallLogArchiver(background, keys, nodeId, archive, config.nodeTimeout()) : null;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cluster"));
        long beat = config.heartbeatInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        if (archiver != null) {
            scheduler.scheduleWithFixedDelay(this::archive, 0, ARCHIVE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
        log.info("cluster node joined node={} key_prefix={} topology={} archive_call_log={}", nodeId,
                config.keyPrefix(), config.redisTopology(), archiver != null);
    }

    /**
     * Connects to Redis and joins the cluster as {@code config.nodeIdOrHostName()}; the archiver, if configured,
     * copies the call log stream into {@code archive}; messages other nodes publish for this node's sessions are
     * delivered on the {@code switchboard} thread.
     */
    public static RedisCluster join(SignallingConfig.Cluster config, JsonLinesCallLog archive, Executor switchboard,
                                    Clock clock) {
        RedisConnections connections = RedisConnections.open(config);
        try {
            return new RedisCluster(connections, config, archive, switchboard, clock);
        } catch (RuntimeException e) {
            connections.close();
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
     * Who applies the events about calls this node owns that other nodes send it, and who hears that another node
     * changed a skill group's queue; both called on the switchboard thread.
     */
    public void onCallEvents(Consumer<OwnerEvent> owner, Consumer<String> queueChanged) {
        this.ownerEvents = owner;
        this.queueChanges = queueChanged;
    }

    /** One writer per call: this node's forwarding of events about calls other nodes own (docs/cluster.md §3). */
    public CallOwners callOwners() {
        return new CallOwners(state, keys, nodeId);
    }

    /**
     * Who acts when Redis answers again after an outage and this node still belongs to the cluster (it joined again
     * if its key had lapsed meanwhile); called on the switchboard thread, once this node's sessions are back in
     * Redis.
     */
    public void onReturn(Runnable handler) {
        this.afterReturn = handler;
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

    /** Whether this node reaches Redis now (the gauge {@code doorstep_cluster_redis_up}). */
    public boolean redisUp() {
        return health.reachable();
    }

    /**
     * The state's health as the switchboard sees it: up while Redis answers and this node belongs to the cluster; a
     * store call that fails because Redis is away marks it down at once, and only the heartbeat brings it back.
     */
    public StateHealth health() {
        return new StateHealth() {
            @Override
            public boolean up() {
                return alive && health.reachable();
            }

            @Override
            public boolean unreachable(RuntimeException e) {
                return health.failed(e);
            }
        };
    }

    /** The stores on this node's state connection, for the switchboard thread; one session directory per node. */
    public Dispatcher.Stores stores() {
        return new Dispatcher.Stores(new RedisCallStore(state, keys, nodeId), new RedisCallQueue(state, keys),
                new RedisAgentRegistry(state, keys), sessions,
                new RedisStreamCallLog(state, keys), new RedisAssignments(state, keys),
                new RedisQualityShare(state, keys, CallQuality.FORGET_AFTER_MS));
    }

    /** The relay fleet in Redis, read by this node's switchboard thread. */
    public RelayFleet relayFleet() {
        return new RedisRelayFleet(state, keys, nodeId);
    }

    /** The calls' relays, kept with the calls. */
    public CallRelays callRelays() {
        return new RedisCallRelays(state, keys, nodeId);
    }

    /** The connected calls' documents and print jobs. */
    public CallDocuments callDocuments() {
        return new RedisCallDocuments(state, keys);
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
            // back only once every connection is (the switchboard's may still be reconnecting)
            boolean returned = connections.connected() && health.answered();
            if (returned) {
                // every node was cut off alike: each gets a node timeout to beat again before it is taken for dead
                reclaimAfter = clock.millis() + nodeTimeout.toMillis();
            }
            if (returned && ok) {
                switchboard.execute(this::restoreAfterReturn);
            }
            if (ok && reclaims != null && clock.millis() >= reclaimAfter) {
                reclaimDeadNodes();
            }
        } catch (RuntimeException e) {
            if (!health.failed(e) && alive) {
                log.error("cluster heartbeat failed node={}: {}", nodeId, e.toString());
            }
            alive = false;
        }
    }

    /**
     * Redis is back: this node's sessions are written back where Redis lost them, those whose identity signed in on
     * another node meanwhile are ended as replaced, then the dispatcher catches up. If Redis goes again meanwhile, the
     * next return does it all again.
     */
    private void restoreAfterReturn() {
        try {
            sessions.restore().forEach(s -> takeOvers.accept(s.identityId(), s.id()));
        } catch (RuntimeException e) {
            if (!health.failed(e)) {
                log.error("restoring sessions failed node={}: {}", nodeId, e.toString());
            }
            return;
        }
        afterReturn.run();
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

    /** Archives what is new; while Redis is away it waits for the heartbeat to see it back (the outage is logged). */
    private void archive() {
        if (!health.reachable()) {
            return;
        }
        try {
            archiver.drain(ARCHIVE_BATCH);
        } catch (RuntimeException e) {
            if (!health.failed(e)) {
                log.warn("call log archiving failed node={}: {}", nodeId, e.toString());
            }
        } catch (IOException e) {
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
     * Holds this node's heartbeat back for {@code pause}, as a long GC pause or a partition would, for tests: the
     * others may take it for dead meanwhile, and it learns so at its next heartbeat.
     */
    public void stallHeartbeat(Duration pause) {
        scheduler.execute(() -> {
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Stops as a killed process would, for tests: no archiving, no leave, the connections just close; the other
     * nodes see this one dead only when its key expires.
     */
    public void halt() {
        stopHeartbeat();
        disconnect();
    }

    /** Stops the heartbeat (and the archiver) for good, for tests: from now on this node's key just lapses. */
    public void stopHeartbeat() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS); // a heartbeat under way may not renew the key after this
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void disconnect() {
        channel.close();
        connections.close();
    }
}
