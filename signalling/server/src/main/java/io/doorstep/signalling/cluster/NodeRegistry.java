package io.doorstep.signalling.cluster;

import io.doorstep.signalling.cluster.Scripts.Name;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which signalling nodes are alive. Each node holds a key that expires {@code timeout} after its last heartbeat; a
 * node whose key has expired is dead, and exactly one survivor reclaims what it owned ({@link #reclaim}). The key's
 * value is a token of this run of the node, so a second process started with the same node id is refused, and a
 * node that was taken for dead (its key lapsed, say in a long GC pause, and a survivor reclaimed it) learns it from its
 * next heartbeat. A node whose key lapsed while Redis was away, and that nobody reclaimed, joins again.
 */
public final class NodeRegistry {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);
    /** What node-beat.lua answers besides 1, renewed. */
    private static final long TAKEN_FOR_DEAD = 0, REJOINED = 2;

    private final Scripts scripts;
    private final String nodeId;
    private final Duration timeout;
    private final Clock clock;
    private final String token;

    /** What a survivor took over from a dead node: its calls, and the identities whose sessions it held. */
    public record Reclaimed(String deadNode, List<String> callIds, List<String> identities) {
    }

    /** A node id another live process holds. */
    public static final class NodeIdInUseException extends RuntimeException {
        NodeIdInUseException(String nodeId) {
            super("cluster.node-id " + nodeId + " is in use by a live node (its heartbeat key exists); give each node"
                    + " its own id, or wait for the old process's key to expire", null, false, false);
        }
    }

    public NodeRegistry(RedisClusterCommands<String, String> redis, RedisKeys keys, String nodeId, Duration timeout,
                        Clock clock) {
        this.scripts = new Scripts(redis, keys);
        this.nodeId = nodeId;
        this.timeout = timeout;
        this.clock = clock;
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        this.token = HexFormat.of().formatHex(bytes);
    }

    public String nodeId() {
        return nodeId;
    }

    /** Joins the cluster; {@link NodeIdInUseException} if a live node has this id. */
    public void register() {
        long ok = scripts.<Long>run(Name.NODE_REGISTER, ScriptOutputType.INTEGER, nodeId, token,
                Long.toString(timeout.toMillis()), Long.toString(clock.millis()));
        if (ok == 0) {
            throw new NodeIdInUseException(nodeId);
        }
    }

    /**
     * Renews this node's key. If the key had lapsed (Redis away longer than the timeout, or back without its data)
     * and no other node reclaimed this one, the node joins again. False: it was taken for dead (reclaimed, or its id
     * is held by another process) and must stop.
     */
    public boolean heartbeat() {
        long beat = scripts.<Long>run(Name.NODE_BEAT, ScriptOutputType.INTEGER, nodeId, token,
                Long.toString(timeout.toMillis()), Long.toString(clock.millis()));
        if (beat == REJOINED) {
            log.warn("cluster node joined again node={}: its key had lapsed while Redis was away, and no other node"
                    + " had reclaimed it", nodeId);
        }
        return beat != TAKEN_FOR_DEAD;
    }

    /** Leaves on a clean stop: the key goes at once. What the node still owns is reclaimed like a dead node's. */
    public void leave() {
        scripts.run(Name.NODE_LEAVE, ScriptOutputType.INTEGER, nodeId, token);
    }

    /** The registered nodes whose key has expired and that nobody has reclaimed yet. */
    public List<String> deadNodes() {
        return scripts.run(Name.NODE_DEAD, ScriptOutputType.MULTI);
    }

    /**
     * Takes over a dead node's calls (they become this node's) and forgets where its sessions were. Empty if the
     * node is alive after all or another node reclaimed it first: of many survivors trying, exactly one gets it.
     */
    public Optional<Reclaimed> reclaim(String deadNode) {
        Object result = scripts.run(Name.NODE_RECLAIM, ScriptOutputType.MULTI, deadNode, nodeId);
        if (!(result instanceof List<?> parts) || parts.size() != 2) {
            return Optional.empty();
        }
        return Optional.of(new Reclaimed(deadNode, strings(parts.get(0)), strings(parts.get(1))));
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(Object::toString).toList();
    }
}
