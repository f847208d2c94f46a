package io.doorstep.relay.document;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every document relay metric, in one place, on the relay's registry. Labels are bounded: operations, statuses and
 * reasons are fixed sets; never a label per call or document.
 */
final class DocumentMetrics implements DocumentListener {
    static final String[] FAILURE_REASONS = {"terminated", "expired", "type"};

    private final MeterRegistry registry;
    private final Counter completed;
    private final Map<String, Counter> failed = new ConcurrentHashMap<>();
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter reads;
    private final Timer forward;
    private final Timer writeBack;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();

    DocumentMetrics(MeterRegistry registry, Supplier<Number> activeUploads) {
        this.registry = registry;
        Gauge.builder("doorstep.relay.documents.uploads.active", activeUploads)
                .description("Uploads begun and not yet complete, abandoned or expired").register(registry);
        completed = Counter.builder("doorstep.relay.documents.uploads.completed")
                .description("Uploads completed (every byte on disk, hash recorded)").register(registry);
        for (String reason : FAILURE_REASONS) {
            failed.put(reason, Counter.builder("doorstep.relay.documents.uploads.failed")
                    .description("Uploads that ended unfinished, by reason").tag("reason", reason).register(registry));
        }
        bytesIn = bytes("in");
        bytesOut = bytes("out");
        reads = Counter.builder("doorstep.relay.documents.reads").description("Downloads started").register(registry);
        forward = Timer.builder("doorstep.relay.documents.forward.latency")
                .description("From a chunk reaching the relay to it leaving to a reader that was waiting for it")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
                        Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(250))
                .register(registry);
        writeBack = Timer.builder("doorstep.relay.documents.writeback")
                .description("Early write-backs of a long body to the disk while it still arrives (each an fsync)")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(100),
                        Duration.ofSeconds(1))
                .register(registry);
    }

    private Counter bytes(String direction) {
        return Counter.builder("doorstep.relay.documents.bytes").description("Document bytes, by direction")
                .baseUnit("bytes").tag("direction", direction).register(registry);
    }

    void bytesIn(long n) {
        bytesIn.increment(n);
    }

    void bytesOut(long n) {
        bytesOut.increment(n);
    }

    void forwarded(long nanos) {
        forward.record(nanos, TimeUnit.NANOSECONDS);
    }

    void writtenBack(long nanos) {
        writeBack.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A request answered: {@code operation} from {@link TusRequest.Operation} or "invalid", {@code status} its code. */
    void request(String operation, int status) {
        requests.computeIfAbsent(operation + '/' + status, k -> Counter.builder("doorstep.relay.documents.requests")
                .description("Document requests answered, by operation and status")
                .tag("operation", operation).tag("status", Integer.toString(status)).register(registry)).increment();
    }

    @Override
    public void completed(DocumentInfo document) {
        completed.increment();
    }

    @Override
    public void read(DocumentInfo document, DocumentParty by) {
        reads.increment();
    }

    @Override
    public void abandoned(DocumentInfo document, String reason) {
        Counter c = failed.get(reason);
        if (c != null) {
            c.increment();
        }
    }
}
