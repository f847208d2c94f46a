package io.doorstep.signalling.session;

class InMemorySessionDirectoryTest extends SessionDirectoryContract {
    @Override
    protected SessionDirectory newDirectory(String nodeId) {
        return new InMemorySessionDirectory(nodeId);
    }
}
