package io.doorstep.signalling.cluster;

import io.doorstep.protocol.ProtocolCodec;
import io.doorstep.protocol.Role;
import io.doorstep.protocol.ServerMessage;
import io.doorstep.signalling.cluster.Scripts.Name;
import io.doorstep.signalling.session.InMemorySessionDirectory;
import io.doorstep.signalling.session.Session;
import io.doorstep.signalling.session.SessionDirectory;
import io.doorstep.signalling.session.SessionLocation;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * This node's sessions in memory (they hold its connections), with their whereabouts published in Redis: identity
 * -> (node, session id). A sign-in on any node thereby sees a session of the same identity on another. Reads of this
 * node's sessions cost nothing; a put or remove is one round trip, and so is locating an identity held elsewhere.
 */
public final class RedisSessionDirectory implements SessionDirectory {
    private static final ProtocolCodec CODEC = new ProtocolCodec();

    private final InMemorySessionDirectory local;
    private final RedisClusterCommands<String, String> redis;
    private final RedisKeys keys;
    private final Scripts scripts;
    private final String nodeId;
    /** Sessions that ended while Redis was away: still in its map until {@link #restore}. Switchboard thread only. */
    private final List<Session> removedWhileAway = new ArrayList<>();

    public RedisSessionDirectory(RedisClusterCommands<String, String> redis, RedisKeys keys, String nodeId) {
        this.local = new InMemorySessionDirectory(nodeId);
        this.redis = redis;
        this.keys = keys;
        this.scripts = new Scripts(redis, keys);
        this.nodeId = nodeId;
    }

    @Override
    public void put(Session session) {
        local.put(session);
        String previous;
        try {
            previous = scripts.run(Name.SESSION_PUT, ScriptOutputType.VALUE, session.identityId(), nodeId,
                    session.id());
        } catch (RuntimeException e) { // Redis away: no session here that the others cannot find
            local.remove(session);
            throw e;
        }
        SessionLocation was = previous == null ? null : location(previous);
        if (was != null && !was.nodeId().equals(nodeId)) { // signed in here, still held there: that node ends it
            redis.publish(keys.channel(was.nodeId()), SessionChannel.replaced(session.identityId(), was.sessionId()));
        }
    }

    @Override
    public Optional<Session> get(String sessionId) {
        return local.get(sessionId);
    }

    @Override
    public Optional<Session> byIdentity(String identityId) {
        return local.byIdentity(identityId);
    }

    /** While Redis is away the session goes from here at once, and from Redis when it is back ({@link #restore}). */
    @Override
    public void remove(Session session) {
        local.remove(session);
        try {
            forget(session);
        } catch (RuntimeException e) {
            if (!RedisHealth.unreachable(e)) {
                throw e;
            }
            removedWhileAway.add(session);
        }
    }

    private void forget(Session session) {
        scripts.run(Name.SESSION_REMOVE, ScriptOutputType.INTEGER, session.identityId(), nodeId, session.id());
    }

    /**
     * After an outage: forgets the sessions that ended meanwhile, and writes back where this node's sessions are,
     * in case Redis lost it (restarted without its data). Returns the sessions whose identity signed in on another node meanwhile (Redis names that one): they
     * are replaced, though the word of it was lost while this node could not hear it.
     */
    public List<Session> restore() {
        for (Session gone : List.copyOf(removedWhileAway)) {
            forget(gone);
            removedWhileAway.remove(gone);
        }
        List<Session> replaced = new ArrayList<>();
        for (Session session : local.all()) {
            String elsewhere = scripts.run(Name.SESSION_RESTORE, ScriptOutputType.VALUE, session.identityId(), nodeId,
                    session.id());
            if (elsewhere != null) {
                replaced.add(session);
            }
        }
        return replaced;
    }

    @Override
    public Collection<Session> all() {
        return local.all();
    }

    @Override
    public Optional<SessionLocation> locate(String identityId) {
        Optional<SessionLocation> here = local.locate(identityId);
        if (here.isPresent()) {
            return here;
        }
        String where = redis.hget(keys.sessions(), identityId);
        return where == null ? Optional.empty() : Optional.of(location(where));
    }

    /** A location as the sessions hash holds it: node TAB session id. */
    private static SessionLocation location(String where) {
        int tab = where.indexOf('\t');
        return new SessionLocation(where.substring(0, tab), where.substring(tab + 1));
    }

    @Override
    public boolean deliver(String identityId, ServerMessage message) {
        if (local.deliver(identityId, message)) {
            return true;
        }
        Optional<SessionLocation> where = locate(identityId);
        where.ifPresent(l -> redis.publish(keys.channel(l.nodeId()), SessionChannel.message(CODEC, identityId,
                message)));
        return where.isPresent();
    }

    /** Delivers a message another node published for a session here; never passes it on. */
    public void deliverHere(String identityId, ServerMessage message) {
        local.deliver(identityId, message);
    }

    @Override
    public int count(Role role) {
        return local.count(role);
    }
}
