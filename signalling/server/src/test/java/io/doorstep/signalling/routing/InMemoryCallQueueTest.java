package io.doorstep.signalling.routing;

class InMemoryCallQueueTest extends CallQueueContract {
    @Override
    protected CallQueue newQueue() {
        return new InMemoryCallQueue();
    }
}
