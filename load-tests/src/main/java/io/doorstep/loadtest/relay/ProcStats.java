package io.doorstep.loadtest.relay;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * CPU and socket counters from {@code /proc}, read before and after each step: the server's own CPU time
 * ({@code /proc/<pid>/stat} utime + stime, which the kernel scales to the threads' exact run time, and that run
 * time itself from {@code /proc/<pid>/task/<tid>/schedstat}), the busy time of the core the server is pinned to
 * (elapsed time minus the core's idle time in {@code /proc/stat}: it also counts the kernel work on that core that
 * no process is charged with, such as softirq), and the UDP receive-queue drops per socket ({@code /proc/net/udp}),
 * split into the generator's sockets and everybody else's (the server's).
 *
 * <p>Busy time is taken as elapsed minus idle because the idle counters are kept exactly (NO_HZ), while the
 * user/system tick counts of {@code /proc/stat} are samples at the timer tick, which is badly biased for a core that
 * sleeps and wakes thousands of times a second: on the machine this was written on they showed a core 97% busy that
 * was 55% busy by its idle time, running a process charged 47%.
 */
final class ProcStats {
    /** USER_HZ: the unit of /proc/<pid>/stat and /proc/stat times; 100 on every Linux this runs on. */
    static final long TICKS_PER_SECOND = Long.getLong("bench.clockTicks", 100);

    private ProcStats() {
    }

    /**
     * One reading. Negative fields: not available (no pid or no core given, or /proc unreadable).
     *
     * @param machineBusyTicks busy time of all cores, and {@code selfTicks} this process's CPU time: with the
     *                         server's, they tell how much other work shared the machine during a step
     */
    record Sample(long processTicks, long processRunNanos, long coreIdleTicks, long machineIdleTicks, long selfTicks,
                  long nanoTime) {
        /** The server's CPU time between {@code this} and {@code later}, in µs (utime + stime), or -1. */
        double processMicrosTo(Sample later) {
            return processTicks < 0 || later.processTicks < 0 ? -1
                    : (later.processTicks - processTicks) * 1e6 / TICKS_PER_SECOND;
        }

        /** The same from the threads' nanosecond run times, or -1. */
        double runMicrosTo(Sample later) {
            return processRunNanos < 0 || later.processRunNanos < 0 ? -1
                    : (later.processRunNanos - processRunNanos) / 1e3;
        }

        /**
         * Cores' worth of CPU that neither the server nor the generator used between the two readings: other work
         * on the machine that disturbed the step (around 0 on a quiet machine; slightly negative is rounding).
         */
        double otherCoresTo(Sample later) {
            if (machineIdleTicks < 0 || later.machineIdleTicks < 0 || selfTicks < 0 || later.selfTicks < 0) {
                return -1;
            }
            double seconds = (later.nanoTime - nanoTime) / 1e9;
            double busy = CPUS * seconds - (later.machineIdleTicks - machineIdleTicks) / (double) TICKS_PER_SECOND;
            double ours = (later.selfTicks - selfTicks
                    + (processTicks < 0 || later.processTicks < 0 ? 0 : later.processTicks - processTicks))
                    / (double) TICKS_PER_SECOND;
            return (busy - ours) / seconds;
        }

        /** The busy time of the server's core, in µs, or -1. */
        double coreMicrosTo(Sample later) {
            return coreIdleTicks < 0 || later.coreIdleTicks < 0 ? -1
                    : (later.nanoTime - nanoTime) / 1e3 - (later.coreIdleTicks - coreIdleTicks) * 1e6 / TICKS_PER_SECOND;
        }
    }

    static Sample sample(int pid, int core) {
        return new Sample(pid > 0 ? processTicks(pid) : -1, pid > 0 ? runNanos(pid) : -1,
                core >= 0 ? idleTicks("cpu" + core + " ") : -1, idleTicks("cpu "),
                processTicks((int) ProcessHandle.current().pid()), System.nanoTime());
    }

    /** utime + stime of the whole process (all threads), in clock ticks. */
    static long processTicks(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name, which is in parentheses and may contain spaces: state is field 3.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Sum over the process's live threads of the run time in /proc/<pid>/task/<tid>/schedstat (ns). */
    static long runNanos(int pid) {
        long total = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    String s = Files.readString(task.resolve("schedstat")).trim();
                    total += Long.parseLong(s.substring(0, s.indexOf(' ')));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
            return total;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Cores of the machine (the generator itself may be pinned to one, so not availableProcessors()). */
    static final int CPUS = onlineCpus();

    private static int onlineCpus() {
        try {
            return (int) Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu\\d+ .*"))
                    .count();
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** idle + iowait of a /proc/stat line ("cpu " all cores, "cpu0 " one), in clock ticks. */
    static long idleTicks(String prefix) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith(prefix)) {
                    String[] f = line.trim().split("\\s+");
                    return Long.parseLong(f[4]) + Long.parseLong(f[5]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /** Receive-queue drops so far: [sockets bound to one of {@code ours} local ports, all other UDP sockets]. */
    static long[] udpDrops(Set<Integer> ours) {
        long[] drops = new long[2];
        for (String file : List.of("/proc/net/udp", "/proc/net/udp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(file));
                for (int i = 1; i < lines.size(); i++) {
                    String[] f = lines.get(i).trim().split("\\s+");
                    if (f.length < 13) {
                        continue;
                    }
                    String local = f[1];
                    int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
                    long d = Long.parseLong(f[f.length - 1]);
                    drops[ours.contains(port) ? 0 : 1] += d;
                }
            } catch (IOException | RuntimeException e) {
                // not on Linux, or no IPv6
            }
        }
        return drops;
    }
}
