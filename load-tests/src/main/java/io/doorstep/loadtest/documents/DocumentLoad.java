package io.doorstep.loadtest.documents;

import io.doorstep.documents.DocumentTokens;
import io.doorstep.loadtest.probe.CpuAccount;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Issue #7's document scenario against a running document relay: {@code uploads} scans uploaded at once, each on its
 * own connection and call, each followed by its own reader (GET while the upload runs, as an agent watches a scan
 * arrive). An uploader sends its next chunk once its reader has the previous one, so every chunk's first-byte latency
 * (uploader's write to the first byte at the reader) is that of a waiting reader, and the throughput is what such
 * uploads reach together. Measured per {@code interval} for the charts, and over the whole run.
 */
public final class DocumentLoad {
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * @param warmup  uploads (with their readers) one after another before measuring, for the JIT; not reported
     * @param timeout the longest the measured uploads may take together
     */
    public record Settings(InetSocketAddress relay, String secret, int uploads, int size, int chunk, int warmup,
                           Duration interval, Duration timeout) {
        public Settings {
            if (uploads < 1 || warmup < 0) {
                throw new IllegalArgumentException("uploads must be at least 1 and warm-up uploads at least 0");
            }
            if (chunk < 1 || size < 2 * chunk) {
                throw new IllegalArgumentException("a scan must be at least two chunks: --size " + size
                        + " with --chunk " + chunk);
            }
        }

        int chunks() {
            return size / chunk;
        }

        /** The bytes of each scan: {@code size} rounded down to whole chunks. */
        public int scanBytes() {
            return chunks() * chunk;
        }
    }

    /** One interval: first-byte latencies recorded in it (ns), bytes the uploaders wrote, CPU. */
    public record Slice(double at, Histogram firstByte, double mibPerSecond, CpuAccount.Usage cpu) {
    }

    /**
     * @param firstByte  every chunk's first-byte latency, ns (the first chunk of each upload excepted: its reader
     *                   connects only after it is sent)
     * @param uploadTime each completed upload from its PATCH's first byte to the relay's 204, ns
     * @param seconds    from the first upload's start to the last one's end
     * @param errors     what failed, by message, with counts
     */
    public record Result(Histogram firstByte, Histogram uploadTime, long completed, int failed, long bytes,
                         double seconds, Map<String, Integer> errors, List<Slice> slices, CpuAccount.Usage cpu) {
        /** All uploads together, MiB/s. */
        public double mibPerSecond() {
            return seconds <= 0 ? 0 : bytes / 1048576.0 / seconds;
        }
    }

    private final Settings settings;
    private final DocumentTokens tokens;
    private final Recorder firstByte = new Recorder(HIGHEST_NANOS, 3);
    private final Histogram uploadTime = new Histogram(HIGHEST_NANOS, 3);
    private final AtomicLong bytes = new AtomicLong();

    public DocumentLoad(Settings settings) {
        this.settings = settings;
        this.tokens = new DocumentTokens(settings.secret().getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
    }

    public Result run(CpuAccount cpu) throws Exception {
        byte[] scan = DocumentBench.scan(settings.scanBytes(), 7);
        for (int i = 0; i < settings.warmup(); i++) {
            upload("bench-docs-warmup-" + i, scan, false);
        }
        firstByte.reset();
        bytes.set(0);
        List<Slice> slices = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        ExecutorService pool = Executors.newFixedThreadPool(settings.uploads());
        long start = System.nanoTime();
        try {
            cpu.start();
            long intervalNanos = settings.interval().toNanos();
            long[] bytesBefore = {0};
            sampler.scheduleAtFixedRate(() -> slices.add(slice(cpu, start, bytesBefore, intervalNanos)),
                    intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
            List<Future<Long>> all = new ArrayList<>();
            for (int i = 0; i < settings.uploads(); i++) {
                String call = "bench-docs-" + i;
                all.add(pool.submit(() -> upload(call, scan, true)));
            }
            Map<String, Integer> errors = new TreeMap<>();
            long deadline = start + settings.timeout().toNanos();
            int failed = 0;
            for (Future<Long> f : all) {
                try {
                    uploadTime.recordValue(Math.min(f.get(Math.max(0, deadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS), HIGHEST_NANOS));
                } catch (ExecutionException | TimeoutException e) {
                    failed++;
                    errors.merge(e instanceof TimeoutException ? "not done within " + settings.timeout()
                            : String.valueOf(e.getCause().getMessage()), 1, Integer::sum);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
            CpuAccount.Usage whole = slices.stream().map(Slice::cpu).reduce(CpuAccount.Usage::plus)
                    .orElseGet(cpu::usage);
            Histogram every = new Histogram(HIGHEST_NANOS, 3);
            slices.forEach(s -> every.add(s.firstByte()));
            every.add(firstByte.getIntervalHistogram()); // after the last slice
            return new Result(every, uploadTime.copy(), uploadTime.getTotalCount(), failed, bytes.get(), seconds,
                    errors, List.copyOf(slices), whole);
        } finally {
            sampler.shutdownNow();
            pool.shutdownNow();
        }
    }

    /** Runs on the sampler's thread only. */
    private Slice slice(CpuAccount cpu, long start, long[] bytesBefore, long intervalNanos) {
        CpuAccount.Usage usage = cpu.usage();
        cpu.start();
        long now = bytes.get();
        double mib = (now - bytesBefore[0]) / 1048576.0 / (intervalNanos / 1e9);
        bytesBefore[0] = now;
        return new Slice((System.nanoTime() - start) / 1e9, firstByte.getIntervalHistogram(), mib, usage);
    }

    /**
     * One scan uploaded in one PATCH, chunk by chunk, each chunk sent once the reader has the one before; returns
     * the nanoseconds from the PATCH's first byte to the relay's 204.
     */
    private long upload(String call, byte[] scan, boolean measured) throws IOException, InterruptedException {
        String token = DocumentBench.token(tokens, call);
        int chunk = settings.chunk();
        int chunks = settings.chunks();
        long[] sent = new long[chunks];
        try (TusSocketClient up = new TusSocketClient(settings.relay(), token)) {
            String path = up.create(scan.length);
            long start = System.nanoTime();
            up.startPatch(path, 0, scan.length);
            up.body(scan, 0, chunk); // the type is known from the first chunk on: then a reader may start
            sent[0] = System.nanoTime();
            count(chunk, measured);
            try (FollowingReader reader = new FollowingReader(settings.relay(), path, token, chunk, chunks)) {
                for (int i = 1; i < chunks; i++) {
                    reader.awaitCaughtUp(i);
                    record(reader, sent, i - 1, measured);
                    sent[i] = System.nanoTime();
                    up.body(scan, i * chunk, (i + 1) * chunk);
                    count(chunk, measured);
                }
                reader.awaitCaughtUp(chunks);
                record(reader, sent, chunks - 1, measured);
            }
            int status = up.status();
            if (status != 204) {
                throw new IOException("the upload was answered " + status + ", not 204");
            }
            return System.nanoTime() - start;
        }
    }

    /** Chunk 0 is not recorded: its reader connected after it was sent. */
    private void record(FollowingReader reader, long[] sent, int i, boolean measured) {
        if (measured && i > 0) {
            firstByte.recordValue(Math.max(0, Math.min(reader.arrival(i) - sent[i], HIGHEST_NANOS)));
        }
    }

    private void count(int n, boolean measured) {
        if (measured) {
            bytes.addAndGet(n);
        }
    }
}
