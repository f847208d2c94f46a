package io.doorstep.signalling.routing;

/**
 * Whether the shared call-path state can be used now: always on a single box; in a cluster, while Redis answers and
 * this node still belongs to the cluster (docs/cluster.md §9). A node that knows the state is away refuses new calls
 * without trying, and answers a message whose store call failed for that reason with {@code STATE_UNAVAILABLE}.
 */
public interface StateHealth {
    /** What a client is told with {@code STATE_UNAVAILABLE}. */
    String UNAVAILABLE = "the shared call state cannot be reached just now: try again shortly";

    /** The single box: its state is in its own memory and is always there. */
    StateHealth LOCAL = new StateHealth() {
        @Override
        public boolean up() {
            return true;
        }

        @Override
        public boolean unreachable(RuntimeException e) {
            return false;
        }
    };

    /** True while the state can be used; false from the first failure until it answers again. */
    boolean up();

    /**
     * Whether {@code e}, thrown by a store, says the state could not be reached (as opposed to a bug); if so the state
     * counts as down until it answers again.
     */
    boolean unreachable(RuntimeException e);
}
