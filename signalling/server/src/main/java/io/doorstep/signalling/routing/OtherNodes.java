package io.doorstep.signalling.routing;

import java.util.Collection;

/**
 * What the dispatcher tells the other nodes of a cluster (docs/cluster.md §3, §5). On a single box there are none.
 */
public interface OtherNodes {
    /** No other nodes: a single box. */
    OtherNodes NONE = new OtherNodes() {
        @Override
        public boolean ringTimeout(String callId, String agentId, long offeredAt) {
            return false;
        }

        @Override
        public void queuesChanged(Collection<String> skillGroups) {
        }
    };

    /**
     * Hands the ring timeout of an offer made here to the call's owner, if that is another live node; false if the
     * call is this node's (or its owner is gone), to be applied here.
     */
    boolean ringTimeout(String callId, String agentId, long offeredAt);

    /** These groups' queues changed here: every other node refreshes its own stations' places and finds work. */
    void queuesChanged(Collection<String> skillGroups);
}
