package io.doorstep.signalling.cluster;

import io.doorstep.signalling.documents.CallDocuments;
import io.doorstep.signalling.documents.CallDocumentsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisCallDocumentsTest extends CallDocumentsContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected CallDocuments newStore() {
        return new RedisCallDocuments(REDIS.commands(), REDIS.newKeys());
    }
}
