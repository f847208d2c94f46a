package io.doorstep.signalling.routing;

import io.doorstep.signalling.call.InMemoryCallStore;

class LocalAssignmentsTest extends AssignmentsContract {
    @Override
    protected Parts newParts() {
        InMemoryCallStore calls = new InMemoryCallStore();
        InMemoryAgentRegistry agents = new InMemoryAgentRegistry();
        return new Parts(calls, new InMemoryCallQueue(), agents, new LocalAssignments(calls, agents));
    }
}
