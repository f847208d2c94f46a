package io.doorstep.signalling.media;

class InMemoryCallRelaysTest extends CallRelaysContract {
    @Override
    protected CallRelays newRelays() {
        return new InMemoryCallRelays();
    }

    @Override
    protected void live(String callId) {
    }

    @Override
    protected void end(String callId) {
    }
}
