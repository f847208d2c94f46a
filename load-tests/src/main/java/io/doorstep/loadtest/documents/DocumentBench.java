package io.doorstep.loadtest.documents;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.doorstep.documents.DocumentPermission;
import io.doorstep.documents.DocumentRole;
import io.doorstep.documents.DocumentTokens;
import io.doorstep.loadtest.relay.RelayBench;
import io.doorstep.loadtest.report.ReportFiles;
import io.doorstep.loadtest.report.RunReport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The document relay benchmark (issue #4, "Performance"), against a running relay on loopback: (1) a scan uploaded
 * in one PATCH against a plain socket copy of the same bytes to a file with fsync, in the same run; (2) the latency
 * from a chunk leaving the uploader to its first byte reaching a reader that follows the upload; (3) many uploads at
 * once, without error. {@code load-tests/run-document-bench.sh} runs it; docs/benchmarks.md has the method.
 */
@Command(name = "document-bench", mixinStandardHelpOptions = true, version = "document-bench 0.1.0",
        description = "Benchmark of the document relay: throughput against a socket copy, first-byte latency, "
                + "concurrent uploads.")
public final class DocumentBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--relay", description = "host:port of the document relay (default: ${DEFAULT-VALUE}).")
    String relay = "127.0.0.1:8642";

    @Option(names = "--secret", required = true, description = "The relay's documents.token-secret.")
    String secret;

    @Option(names = "--size", description = "Bytes of a scan (default: ${DEFAULT-VALUE}).")
    int size = 5 * 1024 * 1024;

    @Option(names = "--warmup", description = "Uploads of --size before measuring, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmup = 100;

    @Option(names = "--rounds", description = "Alternated rounds of upload and socket copy (default: ${DEFAULT-VALUE}).")
    int rounds = 30;

    @Option(names = "--chunk", description = "Bytes per paced chunk for the latency run (default: ${DEFAULT-VALUE}).")
    int chunk = 16 * 1024;

    @Option(names = "--pace-ms", description = "Milliseconds between paced chunks (default: ${DEFAULT-VALUE}).")
    int paceMillis = 5;

    @Option(names = "--checksummed-chunk", description = "Upload each scan as PATCHes of this many bytes, each with "
            + "Upload-Checksum (SHA-256), one after another, as the SDK (256 KiB) and the web pages send them; 0: in "
            + "one PATCH without a checksum (default: ${DEFAULT-VALUE}).")
    int checksummedChunk;

    @Option(names = "--concurrent", description = "Uploads at once (default: ${DEFAULT-VALUE}).")
    int concurrent = 50;

    @Option(names = "--out", description = "JSON report file (default: stdout only).")
    Path out;

    @Option(names = "--report-dir", description = "Where the run's JSON, Markdown and HTML reports are written, as "
            + "the signalling scenarios write theirs (default: ${DEFAULT-VALUE}).")
    Path reportDir = Path.of("load-tests", "target", "reports");

    public static void main(String[] args) {
        System.exit(new CommandLine(new DocumentBench()).execute(args));
    }

    /** What one run measured. */
    record Report(int size, double uploadMibPerSecond, double socketCopyMibPerSecond, double uploadToCopyRatio,
                  double uploadMedianMibPerSecond, double socketCopyMedianMibPerSecond, double medianRatio, long chunks, double firstByteP50Millis, double firstByteP99Millis, double firstByteMaxMillis,
                  int concurrentUploads, int concurrentFailures, double concurrentSeconds) {
    }

    @Override
    public Integer call() throws Exception {
        Report r = run();
        String json = JSON.writeValueAsString(r);
        System.out.println(json);
        if (out != null) {
            Files.writeString(out, json);
        }
        ReportFiles.Written files = ReportFiles.write(reportDir, runReport(r));
        System.out.println("report: " + files.markdown() + ", " + files.html() + ", " + files.json());
        return r.concurrentFailures() == 0 ? 0 : 1;
    }

    /** The run as a report that {@code signalling-bench compare} can hold against an earlier one. */
    RunReport runReport(Report r) {
        return new RunReport.Builder("document-bench")
                .config("relay", relay).config("warm-up uploads", warmup).config("rounds", rounds)
                .config("chunk bytes", chunk).config("pace ms", paceMillis)
                .config("checksummed PATCH bytes", checksummedChunk)
                .load("scan bytes", size).load("concurrent uploads", concurrent)
                .metric("upload", r.uploadMibPerSecond(), "MiB/s", RunReport.Kind.THROUGHPUT)
                .metric("socket copy on this machine", r.socketCopyMibPerSecond(), "MiB/s", RunReport.Kind.INFO)
                .metric("upload / socket copy", r.uploadToCopyRatio(), "", RunReport.Kind.THROUGHPUT)
                .metric("upload, median round", r.uploadMedianMibPerSecond(), "MiB/s", RunReport.Kind.INFO)
                .metric("socket copy, median round", r.socketCopyMedianMibPerSecond(), "MiB/s", RunReport.Kind.INFO)
                .metric("upload / socket copy, medians", r.medianRatio(), "", RunReport.Kind.INFO)
                .metric("first byte p50", r.firstByteP50Millis(), "ms", RunReport.Kind.LATENCY)
                .metric("first byte p99", r.firstByteP99Millis(), "ms", RunReport.Kind.LATENCY)
                .metric("first byte max", r.firstByteMaxMillis(), "ms", RunReport.Kind.INFO)
                .metric("concurrent uploads failed", r.concurrentFailures(), "", RunReport.Kind.FAULTS)
                .metric("concurrent uploads, all done in", r.concurrentSeconds(), "s", RunReport.Kind.LATENCY)
                .build(r.concurrentFailures() == 0 ? "ok" : "uploads failed");
    }

    Report run() throws Exception {
        InetSocketAddress target = RelayBench.address(relay);
        DocumentTokens tokens = new DocumentTokens(secret.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
        byte[] scan = scan(size, 1);
        for (int i = 0; i < warmup; i++) { // the relay's hashing and copying compiled before anything is measured
            upload(target, token(tokens, "bench-warmup-" + i), scan);
            socketCopy(scan);
        }
        long[] uploadNanos = new long[rounds];
        long[] copyNanos = new long[rounds];
        for (int round = 0; round < rounds; round++) { // alternated; the best of each is the least disturbed run
            uploadNanos[round] = upload(target, token(tokens, "bench-throughput-" + round), scan);
            copyNanos[round] = socketCopy(scan);
        }
        Arrays.sort(uploadNanos);
        Arrays.sort(copyNanos);
        Histogram firstByte = firstByte(target, tokens);
        long start = System.nanoTime();
        int failures = concurrentUploads(target, tokens);
        double concurrentSeconds = (System.nanoTime() - start) / 1e9;
        double upload = mibPerSecond(size, uploadNanos[0]);
        double copy = mibPerSecond(size, copyNanos[0]);
        double uploadMedian = mibPerSecond(size, uploadNanos[rounds / 2]);
        double copyMedian = mibPerSecond(size, copyNanos[rounds / 2]);
        return new Report(size, upload, copy, upload / copy, uploadMedian, copyMedian, uploadMedian / copyMedian,
                firstByte.getTotalCount(),
                firstByte.getValueAtPercentile(50) / 1e3, firstByte.getValueAtPercentile(99) / 1e3,
                firstByte.getMaxValue() / 1e3, concurrent, failures, concurrentSeconds);
    }

    static String token(DocumentTokens tokens, String call) {
        return tokens.issue("bench-station", call, DocumentRole.STATION,
                Set.of(DocumentPermission.UPLOAD, DocumentPermission.READ), Duration.ofMinutes(30));
    }

    /**
     * Nanoseconds from the first PATCH's first byte to the last one's 204 (the bytes are on the relay's disk,
     * fsynced). The checksums are worked out before, as a client would while the previous chunk is on its way.
     */
    private long upload(InetSocketAddress target, String token, byte[] scan) throws IOException {
        int step = checksummedChunk > 0 ? checksummedChunk : scan.length;
        List<String> checksums = new ArrayList<>();
        for (int at = 0; checksummedChunk > 0 && at < scan.length; at += step) {
            checksums.add(sha256(scan, at, Math.min(scan.length, at + step)));
        }
        try (TusSocketClient c = new TusSocketClient(target, token)) {
            String path = c.create(scan.length);
            long start = System.nanoTime();
            for (int at = 0, i = 0; at < scan.length; at += step, i++) {
                int end = Math.min(scan.length, at + step);
                if (checksums.isEmpty()) {
                    c.startPatch(path, at, end - at);
                } else {
                    c.startPatch(path, at, end - at, checksums.get(i));
                }
                c.body(scan, at, end);
                int status = c.status();
                if (status != 204) {
                    throw new IOException("upload answered " + status + " at offset " + at);
                }
            }
            return System.nanoTime() - start;
        }
    }

    private static String sha256(byte[] b, int from, int to) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(b, from, to - from);
            return Base64.getEncoder().encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same bytes through a loopback socket into a file with fsync: what the relay is measured against. */
    private static long socketCopy(byte[] scan) throws Exception {
        Path file = Files.createTempFile("document-bench", ".copy");
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            ExecutorService reader = Executors.newSingleThreadExecutor();
            Future<?> copied = reader.submit(() -> copyToFile(server, file, scan.length));
            client.setTcpNoDelay(true);
            client.connect(server.getLocalSocketAddress());
            long start = System.nanoTime();
            client.getOutputStream().write(scan);
            client.getOutputStream().flush();
            copied.get(60, TimeUnit.SECONDS); // on disk, fsynced: what the relay's 204 means
            long nanos = System.nanoTime() - start;
            reader.shutdown();
            return nanos;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Void copyToFile(ServerSocket server, Path file, int length) throws IOException {
        try (Socket s = server.accept(); FileChannel f = FileChannel.open(file, StandardOpenOption.WRITE)) {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[64 * 1024];
            for (int done = 0, n; done < length && (n = in.read(buf)) > 0; done += n) {
                f.write(ByteBuffer.wrap(buf, 0, n));
            }
            f.force(false);
        }
        return null;
    }

    /** Microseconds from each paced chunk leaving the uploader to its first byte at a following reader. */
    private Histogram firstByte(InetSocketAddress target, DocumentTokens tokens) throws Exception {
        String token = token(tokens, "bench-latency");
        byte[] scan = scan(size, 2);
        int chunks = size / chunk;
        long[] sent = new long[chunks];
        Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
        try (TusSocketClient up = new TusSocketClient(target, token)) {
            String path = up.create((long) chunks * chunk);
            up.startPatch(path, 0, (long) chunks * chunk);
            up.body(scan, 0, chunk); // the type is known from the first chunk on; then the reader can start
            sent[0] = System.nanoTime();
            try (FollowingReader reader = new FollowingReader(target, path, token, chunk, chunks)) {
                for (int i = 1; i < chunks; i++) {
                    Thread.sleep(paceMillis);
                    reader.awaitCaughtUp(i);
                    sent[i] = System.nanoTime();
                    up.body(scan, i * chunk, (i + 1) * chunk);
                }
                long[] arrived = reader.arrivals();
                for (int i = 1; i < chunks; i++) {
                    h.recordValue(Math.max(0, (arrived[i] - sent[i]) / 1_000));
                }
            }
            up.status();
        }
        return h;
    }

    private int concurrentUploads(InetSocketAddress target, DocumentTokens tokens) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrent);
        try {
            List<Future<Long>> all = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                String token = token(tokens, "bench-concurrent-" + i);
                byte[] scan = scan(size, 100 + i);
                all.add(pool.submit(() -> upload(target, token, scan)));
            }
            int failures = 0;
            for (Future<Long> f : all) {
                try {
                    f.get(10, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    failures++;
                    System.err.println("upload failed: " + e.getCause());
                }
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    static byte[] scan(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}, 0, b, 0, 4);
        return b;
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return bytes / 1048576.0 / (nanos / 1e9);
    }
}
