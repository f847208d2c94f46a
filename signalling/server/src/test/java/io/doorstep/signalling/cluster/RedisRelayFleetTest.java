package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.signalling.media.RelayFleet;
import io.doorstep.signalling.media.RelayFleetContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fleet in the real Redis (reports expire by their TTL, in real time), and shared by two nodes. */
class RedisRelayFleetTest extends RelayFleetContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();
    private RedisKeys keys;

    @Override
    protected RelayFleet newFleet() {
        keys = REDIS.newKeys();
        return new RedisRelayFleet(REDIS.newConnection(), keys, "node-a");
    }

    @Override
    protected long now() {
        return System.currentTimeMillis();
    }

    @Override
    protected void pass(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    @Test
    void aReportTakenByOneNodeIsSeenByAnotherAndEachHearsOnceThatItExpired() throws InterruptedException {
        RedisKeys shared = REDIS.newKeys();
        RelayFleet a = new RedisRelayFleet(REDIS.newConnection(), shared, "a");
        RelayFleet b = new RedisRelayFleet(REDIS.newConnection(), shared, "b");
        List<String> goneAtA = new ArrayList<>();
        List<String> goneAtB = new ArrayList<>();
        a.onGone((relayId, at) -> goneAtA.add(relayId));
        b.onGone((relayId, at) -> goneAtB.add(relayId));

        a.report(report("r1", 3, 1, 100, false), now());
        assertThat(b.get("r1")).as("looked up in Redis before b's next sweep").isPresent();
        b.sweep(now());
        assertThat(b.live(now())).singleElement().satisfies(r -> assertThat(r.load().allocations()).isEqualTo(3));
        assertThat(REDIS.commands().pttl(shared.relay("r1"))).as("TTL: three report intervals").isBetween(1L, 300L);

        Thread.sleep(450);
        for (int i = 0; i < 2; i++) {
            a.sweep(now());
            b.sweep(now());
        }
        assertThat(goneAtA).containsExactly("r1");
        assertThat(goneAtB).containsExactly("r1");
        assertThat(REDIS.commands().smembers(shared.relays())).as("the index forgets it").isEmpty();
    }
}
