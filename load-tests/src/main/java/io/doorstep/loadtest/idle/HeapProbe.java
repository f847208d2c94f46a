package io.doorstep.loadtest.idle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads another JVM's heap use after a full collection, with {@code jcmd}: what its live objects take, without
 * the garbage that happens to be around.
 */
public final class HeapProbe {
    /** One line per heap space: G1 prints one ("garbage-first heap total 262144K, used 21845K"), Serial and
     * Parallel print two (young and old). Metaspace lines have no "total", so they do not match. */
    private static final Pattern USED = Pattern.compile("total\\s+\\d+K,\\s+used\\s+(\\d+)K");
    private static final long JCMD_TIMEOUT_SECONDS = 60;

    private final long pid;

    public HeapProbe(long pid) {
        this.pid = pid;
    }

    /** Runs a full GC in the target, then returns its heap in use, in bytes. */
    public long usedAfterFullGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        return usedBytes(jcmd("GC.heap_info"));
    }

    static long usedBytes(String heapInfo) {
        Matcher m = USED.matcher(heapInfo);
        long kib = 0;
        boolean found = false;
        while (m.find()) {
            kib += Long.parseLong(m.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no heap figures in jcmd GC.heap_info output:\n" + heapInfo);
        }
        return kib * 1024;
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
