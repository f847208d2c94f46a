package io.doorstep.signalling.cluster;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node reaches Redis. It goes down at the first command that fails because Redis could not be reached
 * (from any thread: a store call on the switchboard, the heartbeat), and up only when the heartbeat gets an answer
 * again with every connection back, so one late success cannot hide an outage. Each change is logged once, not once
 * per failed command.
 */
final class RedisHealth {
    private static final Logger log = LoggerFactory.getLogger(RedisHealth.class);

    private final String nodeId;
    private final Clock clock;
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private volatile long downSince;

    RedisHealth(String nodeId, Clock clock) {
        this.nodeId = nodeId;
        this.clock = clock;
    }

    boolean reachable() {
        return reachable.get();
    }

    /** Marks Redis down if {@code e} says it could not be reached; false (and nothing changes) for any other error. */
    boolean failed(RuntimeException e) {
        if (!unreachable(e)) {
            return false;
        }
        if (reachable.compareAndSet(true, false)) {
            downSince = clock.millis();
            log.error("redis unreachable node={} cause={}: new calls are refused, calls in progress go on", nodeId,
                    e.toString());
        }
        return true;
    }

    /** Redis answered the heartbeat. True if it had been down until now. */
    boolean answered() {
        if (reachable.compareAndSet(false, true)) {
            log.info("redis reachable again node={} down_ms={}", nodeId, clock.millis() - downSince);
            return true;
        }
        return false;
    }

    /**
     * Lettuce's ways of saying Redis was not reached: not connected (commands rejected while it reconnects), the
     * connection closed under a command, refused or reset, no answer within the timeout, or a Redis still loading
     * its data after a restart. A script error or a wrong type is a bug, not an outage.
     */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisConnectionException || t instanceof RedisCommandTimeoutException
                    || t instanceof RedisLoadingException || t instanceof IOException
                    || t.getClass() == RedisException.class) {
                return true;
            }
        }
        return false;
    }
}
