package io.doorstep.signalling.documents;

class InMemoryCallDocumentsTest extends CallDocumentsContract {
    @Override
    protected CallDocuments newStore() {
        return new InMemoryCallDocuments();
    }
}
