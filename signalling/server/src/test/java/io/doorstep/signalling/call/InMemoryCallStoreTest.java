package io.doorstep.signalling.call;

class InMemoryCallStoreTest extends CallStoreContract {
    @Override
    protected CallStore newStore() {
        return new InMemoryCallStore();
    }
}
