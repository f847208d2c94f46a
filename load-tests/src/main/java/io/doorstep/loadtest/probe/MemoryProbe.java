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

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        if (!p.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " did not finish in " + JCMD_TIMEOUT_SECONDS + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed:\n" + out);
        }
        return out;
    }
}
