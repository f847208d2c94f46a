package io.doorstep.signalling.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.protocol.PrintStatus;
import io.doorstep.protocol.Role;
import io.doorstep.signalling.documents.CallDocuments.Known;
import io.doorstep.signalling.documents.CallDocuments.PrintJob;
import io.doorstep.signalling.documents.CallDocuments.Status;
import org.junit.jupiter.api.Test;

/** What every {@link CallDocuments} does: documents and print jobs per call, event ids once, all forgotten per call. */
public abstract class CallDocumentsContract {
    private final CallDocuments store = newStore();

    protected abstract CallDocuments newStore();

    private static Known uploading(String id) {
        return new Known(id, Role.STATION, "户口簿.jpg", 1, "document-camera", 1_000, 0, null, null,
                Status.UPLOADING, null, 0);
    }

    @Test
    void aDocumentComesBackWithEveryFieldAsItChanges() {
        Known d = uploading("d1");
        store.put("c1", d);
        assertThat(store.get("c1", "d1")).contains(d);
        Known progressed = d.withOffset(500, 42);
        store.put("c1", progressed);
        assertThat(store.get("c1", "d1")).contains(progressed);
        Known completed = progressed.completed("image/jpeg", 1_000, "ab12");
        store.put("c1", completed);
        store.put("c1", uploading("d2").abandoned("expired"));
        assertThat(store.all("c1")).containsExactlyInAnyOrder(completed, uploading("d2").abandoned("expired"));
        assertThat(store.get("c2", "d1")).as("another call").isEmpty();
        store.remove("c1", "d2");
        assertThat(store.all("c1")).containsExactly(completed);
    }

    @Test
    void printJobsArePerCallAndCounted() {
        PrintJob job = new PrintJob("d1", "ab12", 2, null, null);
        store.putJob("c1", "job-1", job);
        store.putJob("c1", "job-2", job);
        assertThat(store.job("c1", "job-1")).contains(job);
        assertThat(store.jobCount("c1")).isEqualTo(2);
        PrintJob printed = new PrintJob("d1", "ab12", 2, PrintStatus.FAILED, "out of paper");
        store.putJob("c1", "job-1", printed);
        assertThat(store.job("c1", "job-1")).contains(printed);
        assertThat(store.job("c2", "job-1")).isEmpty();
        assertThat(store.jobCount("c2")).isZero();
    }

    @Test
    void anEventIdIsNewOnlyOnce() {
        assertThat(store.firstTime("e-1")).isTrue();
        assertThat(store.firstTime("e-1")).isFalse();
        assertThat(store.firstTime("e-2")).isTrue();
    }

    @Test
    void aCallsDocumentsAndJobsAreForgottenWithItAndNoOtherCalls() {
        store.put("c1", uploading("d1"));
        store.putJob("c1", "job-1", new PrintJob("d1", null, 1, null, null));
        store.put("c2", uploading("d2"));
        store.forget("c1");
        assertThat(store.all("c1")).isEmpty();
        assertThat(store.jobCount("c1")).isZero();
        assertThat(store.all("c2")).hasSize(1);
    }
}
