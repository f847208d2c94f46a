package io.doorstep.loadtest.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine and versions a run happened on: without them two runs' figures cannot be compared. */
final class Environment {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final long COMMAND_TIMEOUT_SECONDS = 5;

    private Environment() {
    }

    static Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("host", hostName());
        out.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        out.put("cpu", firstValue(CPUINFO, "model name"));
        out.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()) + " available to the generator");
        out.put("memory", firstValue(MEMINFO, "MemTotal"));
        out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        out.put("generator", String.valueOf(Environment.class.getPackage().getImplementationVersion()));
        out.put("commit", commit());
        return out;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The value of the first "key : value" line of a /proc file; "unknown" off Linux. */
    private static String firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key)).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The commit of the working directory (the scripts run from the repository), with "+dirty" when changed. */
    private static String commit() {
        String head = output("git", "rev-parse", "--short", "HEAD");
        if (head.isEmpty()) {
            return "unknown";
        }
        return output("git", "status", "--porcelain", "--untracked-files=no").isEmpty() ? head : head + "+dirty";
    }

    /** What a command printed (stdout and stderr), trimmed; empty when it failed, hung or is not installed. */
    static String output(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
