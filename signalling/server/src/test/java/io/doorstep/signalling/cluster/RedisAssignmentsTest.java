package io.doorstep.signalling.cluster;

import io.doorstep.signalling.routing.AssignmentsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisAssignmentsTest extends AssignmentsContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected Parts newParts() {
        RedisKeys keys = REDIS.newKeys();
        return new Parts(new RedisCallStore(REDIS.commands(), keys, "node-1"),
                new RedisAgentRegistry(REDIS.commands(), keys), new RedisAssignments(REDIS.commands(), keys));
    }
}
