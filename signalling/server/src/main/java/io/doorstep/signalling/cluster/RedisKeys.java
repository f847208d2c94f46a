package io.doorstep.signalling.cluster;

/**
 * Every Redis key Doorstep uses, in one place. All keys start with {@code {prefix}:}: the braces make the prefix
 * a hash tag, so on Redis Cluster every key lands in one slot and the Lua scripts, which touch many keys at once,
 * stay legal. The scripts build the same names from the prefix (lib.lua mirrors this class).
 */
public record RedisKeys(String prefix) {
    public RedisKeys {
        if (!prefix.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new IllegalArgumentException("bad key prefix " + prefix);
        }
    }

    /** The base every key starts with; passed to every script as KEYS[1] so Redis Cluster routes it to the slot. */
    public String base() {
        return "{" + prefix + "}:";
    }

    /** Hash of a call's fields. */
    public String call(String callId) {
        return base() + "call:" + callId;
    }

    /** String: a call party's latest quality figures, for every node's dashboard; expires with a silent party. */
    public String quality(String callId, String role) {
        return base() + "quality:" + callId + ":" + role;
    }

    /** Set of the live calls' ids. */
    public String calls() {
        return base() + "calls";
    }

    /** Hash: identity (station or agent) -> id of the live call it is part of. */
    public String parties() {
        return base() + "parties";
    }

    /** Hash of a signed-in agent's state. */
    public String agent(String agentId) {
        return base() + "agent:" + agentId;
    }

    /** Set of the signed-in agents' ids. */
    public String agents() {
        return base() + "agents";
    }

    /** Set of the agents in one state (counted by the gauges). */
    public String agentsIn(String state) {
        return base() + "agents:" + state;
    }

    /** Sorted set of a skill group's routable agents, scored by the time they became idle. */
    public String available(String skillGroup) {
        return base() + "available:" + skillGroup;
    }

    /** Set of a skill group's agents on duty (online and not away). */
    public String staffed(String skillGroup) {
        return base() + "staffed:" + skillGroup;
    }

    /** Sorted set of a skill group's waiting calls: priority class, then arrival. */
    public String queue(String skillGroup) {
        return base() + "queue:" + skillGroup;
    }

    /** Hash: call id -> its queue entry (group, priority, enqueued at, order). */
    public String queueEntries() {
        return base() + "queue-entries";
    }

    /** Set of the skill groups that have waiting calls. */
    public String queueGroups() {
        return base() + "queue-groups";
    }

    /** Counter that orders queue entries by arrival across all nodes. */
    public String queueSeq() {
        return base() + "queue-seq";
    }

    /** Hash: identity -> "node TAB session id" of its session, wherever it is held. */
    public String sessions() {
        return base() + "sessions";
    }

    /** A node's liveness key, with a TTL; its value is the running instance's token. */
    public String node(String nodeId) {
        return base() + "node:" + nodeId;
    }

    /** Sorted set of the nodes that have registered and not yet been reclaimed, scored by their last heartbeat. */
    public String nodes() {
        return base() + "nodes";
    }

    /**
     * Set of the nodes that registered and have not left. A lapsed node in it but no longer in {@link #nodes()} was
     * reclaimed; one in neither finds a Redis that lost its data, and joins again.
     */
    public String joined() {
        return base() + "joined";
    }

    /** Set of the calls a node owns (created there, or reclaimed by it). */
    public String nodeCalls(String nodeId) {
        return base() + "node-calls:" + nodeId;
    }

    /** Set of the identities whose sessions a node holds. */
    public String nodeIdentities(String nodeId) {
        return base() + "node-identities:" + nodeId;
    }

    /** Stream of call log records (cluster mode). */
    public String callLog() {
        return base() + "call-log";
    }

    /** Pub/sub channel every node hears: "node TAB skill group" when a node changed that group's queue. */
    public String queueChanges() {
        return base() + "queue-changes";
    }

    /** Pub/sub channel of a node: messages for sessions it holds, and events about calls it owns. */
    public String channel(String nodeId) {
        return base() + "to:" + nodeId;
    }

    /** Hash of a relay's latest report, expiring three report intervals after it was taken. */
    public String relay(String relayId) {
        return base() + "relay:" + relayId;
    }

    /** Set of the relays that have reported (some may have expired since; readers drop those). */
    public String relays() {
        return base() + "relays";
    }

    /** Hash of a connected call's documents: document id -> the document as JSON. */
    public String documents(String callId) {
        return base() + "documents:" + callId;
    }

    /** Hash of a connected call's print jobs: job id -> the job as JSON. */
    public String printJobs(String callId) {
        return base() + "print-jobs:" + callId;
    }

    /** A relay's document event id already applied, with a TTL (the relay may retry a post to another node). */
    public String documentEvent(String eventId) {
        return base() + "document-event:" + eventId;
    }
}
