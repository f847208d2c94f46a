package io.doorstep.signalling.routing;

class InMemoryAgentRegistryTest extends AgentRegistryContract {
    @Override
    protected AgentRegistry newRegistry() {
        return new InMemoryAgentRegistry();
    }
}
