package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.signalling.routing.CallQueue;
import io.doorstep.signalling.routing.CallQueueContract;
import io.doorstep.signalling.routing.QueueEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisCallQueueTest extends CallQueueContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected CallQueue newQueue() {
        return new RedisCallQueue(REDIS.commands(), REDIS.newKeys());
    }

    @Test
    void nodesShareOneQueueInOneOrder() {
        RedisKeys keys = REDIS.newKeys();
        CallQueue a = new RedisCallQueue(REDIS.newConnection(), keys);
        CallQueue b = new RedisCallQueue(REDIS.newConnection(), keys);
        a.enqueue("c1", "g", false, 1);
        b.enqueue("c2", "g", false, 2);
        a.enqueue("c3", "g", true, 3);
        b.enqueue("c4", "g", false, 4);
        assertThat(a.entries("g")).extracting(QueueEntry::callId).containsExactly("c3", "c1", "c2", "c4");
        assertThat(b.entries("g")).isEqualTo(a.entries("g"));
        assertThat(b.remove("c1")).isTrue();
        assertThat(a.remove("c1")).as("removed once, by whichever node came first").isFalse();
        assertThat(a.entries("g")).extracting(QueueEntry::callId).containsExactly("c3", "c2", "c4");
    }
}
