package io.doorstep.signalling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.Role;
import io.doorstep.signalling.documents.CallDocuments;
import io.doorstep.signalling.documents.CallDocuments.Known;
import io.doorstep.signalling.documents.CallDocuments.PrintJob;
import io.doorstep.signalling.documents.CallDocuments.Status;
import io.doorstep.signalling.documents.CallDocumentsContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisCallDocumentsTest extends CallDocumentsContract {
    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension();

    @Override
    protected CallDocuments newStore() {
        return new RedisCallDocuments(REDIS.commands(), REDIS.newKeys());
    }

    @Test
    void aCallsDocumentsAndPrintJobsExpireIfNobodyForgetsThem() {
        RedisKeys keys = REDIS.newKeys();
        RedisCallDocuments store = new RedisCallDocuments(REDIS.commands(), keys);
        store.put("c1", new Known("d1", Role.STATION, "scan.jpg", 1, "document-camera", 1_000, 0, null, null,
                Status.UPLOADING, null, 0));
        store.putJob("c1", "job-1", new PrintJob("d1", null, 1, null, null));

        for (String key : new String[] {keys.documents("c1"), keys.printJobs("c1")}) {
            assertThat(REDIS.commands().pttl(key)).as(key).isPositive()
                    .isLessThanOrEqualTo(RedisCallDocuments.GUARD.toMillis());
        }
    }
}
