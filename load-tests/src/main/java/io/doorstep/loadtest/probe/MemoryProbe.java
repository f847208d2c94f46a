package io.doorstep.loadtest.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads another JVM's memory: its heap in use after a full collection (with {@code jcmd}), which is what its live
 * objects take without the garbage that happens to be around; and its resident set, which also counts Netty's
 * direct buffers, thread stacks and the JIT's code.
 */
public final class MemoryProbe {
    /** One line per heap space: G1 prints one ("garbage-first heap total 262144K, used 21845K"), Serial and
     * Parallel print two (young and old). Metaspace lines have no "total", so they do not match. */
    private static final Pattern HEAP_USED = Pattern.compile("total\\s+\\d+K,\\s+used\\s+(\\d+)K");
    /** The last line of GC.class_histogram: "Total  <instances>  <bytes>". */
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)\\s*$", Pattern.MULTILINE);
    private static final Pattern RESIDENT = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final long JCMD_TIMEOUT_SECONDS = 60;

    private final long pid;

    public MemoryProbe(long pid) {
        this.pid = pid;
    }

    /** Runs a full GC in the target, then returns its heap in use, in bytes. */
    public long heapUsedAfterFullGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        return heapUsedBytes(jcmd("GC.heap_info"));
    }

    /**
     * The bytes of live objects, counted in the same pause as the full collection that precedes the count
     * ({@code GC.class_histogram}). Steadier than {@link #heapUsedAfterFullGc} under load, whose two commands are
     * half a second apart while the target goes on allocating: what a soak compares from checkpoint to checkpoint.
     */
    public long liveBytes() throws IOException, InterruptedException {
        return liveBytes(jcmd("GC.class_histogram"));
    }

    static long liveBytes(String histogram) {
        Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
        if (!m.find()) {
            throw new IllegalStateException("no Total line in jcmd GC.class_histogram");
        }
        return Long.parseLong(m.group(1));
    }

    /** The resident set size in bytes (Linux). */
    public long residentBytes() throws IOException {
        return kibibytes(RESIDENT, Files.readString(Path.of("/proc", Long.toString(pid), "status")), "VmRSS") * 1024;
    }

    static long heapUsedBytes(String heapInfo) {
        return kibibytes(HEAP_USED, heapInfo, "jcmd GC.heap_info") * 1024;
    }

    /** The sum of every match's first group. */
    private static long kibibytes(Pattern pattern, String text, String source) {
        Matcher m = pattern.matcher(text);
        long sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no memory figures in " + source + ":\n" + text);
        }
        return sum;
    }

    /**
     * Runs jcmd with its output going to a file: a class histogram is larger than a pipe holds, and jcmd would wait
     * for a reader that waits for it to finish.
     */
    private String jcmd(String command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("jcmd-", ".txt");
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!p.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("jcmd " + pid + " " + command + " did not finish in " + JCMD_TIMEOUT_SECONDS
                        + " s");
            }
            String out = Files.readString(output, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " " + command + " failed:\n" + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
