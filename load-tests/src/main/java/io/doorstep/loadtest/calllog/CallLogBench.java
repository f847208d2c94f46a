package io.doorstep.loadtest.calllog;

import io.doorstep.signalling.call.Call;
import io.doorstep.signalling.call.CallLog;
import io.doorstep.signalling.call.CallLogEntry;
import io.doorstep.signalling.call.JsonLinesCallLog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;

/**
 * Measures one call log append (serialise, write, and fsync when asked) on this machine's disk, to show what
 * "flush on every transition" costs. Usage: {@code CallLogBench [records] [directory]}; bounded by the count.
 */
public final class CallLogBench {
    private CallLogBench() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path dir = Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of("load-tests/target"),
                "calllog");
        for (boolean fsync : new boolean[] {false, true}) {
            Path file = dir.resolve(fsync ? "fsync.jsonl" : "write.jsonl");
            int n = fsync ? Math.min(records, 2_000) : records;
            Histogram h = new Histogram(3_600_000_000L, 3);
            try (CallLog log = new JsonLinesCallLog(file, fsync)) {
                Call call = Call.queued("c-benchmark0000000", "st-chuansha-lianmin", "MI-001", "medical-insurance",
                        false, System.currentTimeMillis());
                for (int i = 0; i < n / 4; i++) { // warm-up: JIT and file growth, not measured
                    log.append(CallLogEntry.of(call, "warmup", null, System.currentTimeMillis()));
                }
                for (int i = 0; i < n; i++) {
                    long start = System.nanoTime();
                    log.append(CallLogEntry.of(call, "queued", null, System.currentTimeMillis()));
                    h.recordValue(System.nanoTime() - start);
                }
            }
            System.out.printf("fsync=%-5s records=%6d p50=%7.1f us p99=%8.1f us p99.9=%8.1f us max=%8.1f us"
                            + "  => %,.0f appends/s on one thread%n", fsync, n,
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, 1e9 / h.getMean());
            Files.delete(file);
        }
        Files.delete(dir);
    }
}
