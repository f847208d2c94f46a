package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallStore;
import io.doorstep.signalling.call.CallStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisCallStoreTest extends CallStoreContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected CallStore newStore() {
        return new RedisCallStore(REDIS.commands(), REDIS.newKeys(), "node-1");
    }

    @Test
    void aCallIsOwnedByTheNodeThatCreatedItWhoeverWritesItLater() throws Exception {
        RedisKeys keys = REDIS.newKeys();
        RedisCallStore a = new RedisCallStore(REDIS.newConnection(), keys, "a");
        RedisCallStore b = new RedisCallStore(REDIS.newConnection(), keys, "b");
        Call call = Call.queued("c-1", "st-1", "MI-001", "g", false, 1_000);
        a.put(call);
        b.put(call.offer("ag-1", 2_000));
        assertThat(b.get("c-1")).contains(call.offer("ag-1", 2_000));
        assertThat(b.owner("c-1")).contains("a");
        assertThat(a.ownedBy("a")).containsExactly("c-1");
        assertThat(a.ownedBy("b")).isEmpty();
        assertThat(a.owned()).extracting(Call::id).containsExactly("c-1");
        assertThat(b.owned()).as("b wrote it but does not own it").isEmpty();
        b.remove("c-1");
        assertThat(a.ownedBy("a")).isEmpty();
        assertThat(a.owner("c-1")).isEmpty();
        assertThat(REDIS.keyCount(keys)).as("nothing left behind").isZero();
    }
}
