package io.doorstep.signalling.cluster;

import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.cluster.Scripts.Name;
import io.doorstep.signalling.routing.AgentStatus;
import io.doorstep.signalling.routing.Assignments;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * Claims by one Lua script (claim.lua): Redis runs a script alone, so its check of the call and the agent and its
 * writes of both are one step that no other node's claim can interleave with. One round trip.
 */
public final class RedisAssignments implements Assignments {
    private final Scripts scripts;

    public RedisAssignments(RedisClusterCommands<String, String> redis, RedisKeys keys) {
        this.scripts = new Scripts(redis, keys);
    }

    @Override
    public Claim claim(Call offered, AgentStatus ringing) {
        Assignments.checkOffer(offered, ringing);
        java.util.List<String> fields = new java.util.ArrayList<>(Codec.callFields(offered));
        fields.addAll(Codec.agentFields(ringing));
        String result = scripts.run(Name.CLAIM, ScriptOutputType.VALUE,
                Codec.args(fields, offered.id(), ringing.agentId()));
        return switch (result) {
            case "claimed" -> Claim.CLAIMED;
            case "call" -> Claim.CALL_TAKEN;
            case "agent" -> Claim.AGENT_TAKEN;
            default -> throw new IllegalStateException("claim.lua answered " + result);
        };
    }
}
