package io.doorstep.signalling.cluster;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Doorstep's Lua scripts, each one atomic step on the shared state. Each is lib.lua followed by its own file; they
 * run by digest, and are loaded again if Redis has forgotten them (a restart or SCRIPT FLUSH).
 */
final class Scripts {
    /** The scripts, named after their files ({@code AGENT_PUT} is agent-put.lua). */
    enum Name {
        AGENT_PUT, AGENT_REPLACE, AGENT_ONLINE, AGENT_REMOVE, AGENT_READ, AGENT_STAFFING, AGENT_COUNTS,
        CALL_PUT, CALL_REMOVE, CALL_READ, CLAIM, QUEUE_ADD, QUEUE_REMOVE, QUEUE_ENTRIES, SESSION_PUT, SESSION_REMOVE,
        SESSION_RESTORE, NODE_REGISTER, NODE_BEAT, NODE_LEAVE, NODE_DEAD, NODE_RECLAIM, RELAY_REPORT, RELAY_READ,
        CALL_RELAY;

        String file() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-') + ".lua";
        }
    }

    private static final Map<Name, String> SOURCES = load();

    private final RedisClusterCommands<String, String> redis;
    private final String[] keys;
    private final Map<Name, String> digests = new ConcurrentHashMap<>();

    Scripts(RedisClusterCommands<String, String> redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = new String[] {keys.base()};
    }

    /** Runs a script with the key base as KEYS[1]. */
    <T> T run(Name name, ScriptOutputType type, String... args) {
        String digest = digests.computeIfAbsent(name, n -> redis.scriptLoad(SOURCES.get(n)));
        try {
            return redis.evalsha(digest, type, keys, args);
        } catch (RedisNoScriptException e) {
            digests.put(name, redis.scriptLoad(SOURCES.get(name)));
            return redis.evalsha(digests.get(name), type, keys, args);
        }
    }

    private static Map<Name, String> load() {
        String lib = read("lib.lua");
        Map<Name, String> sources = new EnumMap<>(Name.class);
        for (Name n : Name.values()) {
            sources.put(n, lib + "\n" + read(n.file()));
        }
        return sources;
    }

    private static String read(String file) {
        try (InputStream in = Scripts.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
