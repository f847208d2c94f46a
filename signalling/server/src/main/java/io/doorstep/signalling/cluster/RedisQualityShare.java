package io.doorstep.signalling.cluster;

import io.doorstep.protocol.Role;
import io.doorstep.signalling.quality.QualityShare;
import io.lettuce.core.KeyValue;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parties' latest quality figures in Redis ({@code quality:<call>:<role>}, "rtt|lost|stalled", expiring as a
 * silent party is forgotten), so that a node's dashboard shows the calls whose parties report to other nodes: one
 * write per report (at most one per party every 5 s), one read for all the calls a dashboard update shows.
 */
final class RedisQualityShare implements QualityShare {
    private static final Role[] PARTIES = {Role.STATION, Role.AGENT};
    private final RedisClusterCommands<String, String> redis;
    private final RedisKeys keys;
    private final long ttlMs;

    RedisQualityShare(RedisClusterCommands<String, String> redis, RedisKeys keys, long ttlMs) {
        this.redis = redis;
        this.keys = keys;
        this.ttlMs = ttlMs;
    }

    @Override
    public void put(String callId, Role role, PartyQuality q) {
        redis.set(keys.quality(callId, role.wireName()), text(q.rttMs()) + "|" + text(q.fractionLost()) + "|"
                + q.stalled(), SetArgs.Builder.px(ttlMs));
    }

    @Override
    public Map<String, PartyQuality> get(Collection<String> callIds) {
        List<String> names = new ArrayList<>();
        List<String> redisKeys = new ArrayList<>();
        for (String callId : callIds) {
            for (Role role : PARTIES) {
                names.add(QualityShare.key(callId, role));
                redisKeys.add(keys.quality(callId, role.wireName()));
            }
        }
        List<KeyValue<String, String>> values = redis.mget(redisKeys.toArray(String[]::new));
        Map<String, PartyQuality> out = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).hasValue()) {
                out.put(names.get(i), parse(values.get(i).getValue()));
            }
        }
        return out;
    }

    private static String text(Double d) {
        return d == null ? "" : d.toString();
    }

    private static PartyQuality parse(String s) {
        String[] f = s.split("\\|", 3);
        return new PartyQuality(f[0].isEmpty() ? null : Double.valueOf(f[0]),
                f[1].isEmpty() ? null : Double.valueOf(f[1]), Boolean.parseBoolean(f[2]));
    }
}
