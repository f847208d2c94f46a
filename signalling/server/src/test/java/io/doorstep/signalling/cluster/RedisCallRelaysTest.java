package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.media.CallRelays;
import io.doorstep.signalling.media.CallRelays.Assignment;
import io.doorstep.signalling.media.CallRelaysContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The calls' relays in their Redis hashes: only for live calls, and each node moves only the calls it owns. */
class RedisCallRelaysTest extends CallRelaysContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();
    private RedisCallStore calls;

    @Override
    protected CallRelays newRelays() {
        RedisKeys keys = REDIS.newKeys();
        calls = new RedisCallStore(REDIS.commands(), keys, "node-1");
        return new RedisCallRelays(REDIS.commands(), keys, "node-1");
    }

    @Override
    protected void live(String callId) {
        calls.put(Call.queued(callId, "st-" + callId, "MI-001", "medical", false, 1_000));
    }

    @Override
    protected void end(String callId) {
        calls.remove(callId);
    }

    @Test
    void aCallThatEndedGetsNoRelayAndAnotherNodesCallIsNotThisNodesToMove() {
        RedisKeys keys = REDIS.newKeys();
        RedisCallStore storeA = new RedisCallStore(REDIS.newConnection(), keys, "a");
        CallRelays a = new RedisCallRelays(REDIS.newConnection(), keys, "a");
        CallRelays b = new RedisCallRelays(REDIS.newConnection(), keys, "b");
        assertThat(a.replace("gone", null, new Assignment("r1", ""))).as("no such call").isFalse();
        assertThat(REDIS.commands().exists(keys.call("gone"))).as("not created by the write").isZero();

        storeA.put(Call.queued("c1", "st-1", "MI-001", "medical", false, 1_000));
        assertThat(b.replace("c1", null, new Assignment("r1", ""))).as("any node may choose").isTrue();
        assertThat(a.get("c1")).contains(new Assignment("r1", ""));
        assertThat(a.owns("c1")).isTrue();
        assertThat(b.owns("c1")).isFalse();
        assertThat(a.ownedOn("r1")).containsOnlyKeys("c1");
        assertThat(b.ownedOn("r1")).as("b does not move a's calls").isEmpty();
        storeA.put(Call.queued("c1", "st-1", "MI-001", "medical", false, 1_000));
        assertThat(a.get("c1")).as("a write of the call keeps its relay").contains(new Assignment("r1", ""));
    }
}
