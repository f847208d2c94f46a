package io.doorstep.loadtest.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the machine's CPU went over an interval: the server (all its nodes, when it is a cluster on this machine),
 * this generator, and everything else. On a machine
 * shared with other work (builds, tests) the last figure says how far a phase's latencies can be trusted.
 */
public final class CpuAccount {
    private static final Path PROC_STAT = Path.of("/proc/stat");

    /**
     * Cores kept busy on average (1.0 = one core all the time); NaN where not known. {@code stolen} is the time a
     * virtual machine's CPUs were ready to run but the hypervisor ran something else (steal time): every thread on
     * them, the server's included, stood still meanwhile.
     */
    public record Usage(Duration wall, Duration serverCpu, double server, double generator, double other,
                        double stolen) {
        /** Two intervals as one: CPU time adds up, cores are averaged over the wall time. */
        public Usage plus(Usage o) {
            Duration total = wall.plus(o.wall);
            return new Usage(total, serverCpu.plus(o.serverCpu), mean(server, o.server, o.wall, total),
                    mean(generator, o.generator, o.wall, total), mean(other, o.other, o.wall, total),
                    mean(stolen, o.stolen, o.wall, total));
        }

        private double mean(double mine, double theirs, Duration theirWall, Duration total) {
            return (mine * wall.toNanos() + theirs * theirWall.toNanos()) / total.toNanos();
        }
    }

    private final List<ProcessHandle> server;
    private final ProcessHandle generator = ProcessHandle.current();
    private long startWall;
    private Duration startServer;
    private Duration startGenerator;
    private long[] startMachine;

    /** @param serverPids the server's process ids (its nodes'), where it runs on this machine; empty if not */
    public CpuAccount(List<Long> serverPids) {
        this.server = serverPids.stream().map(pid -> ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalArgumentException("no process " + pid))).toList();
        start();
    }

    /** Starts a new interval. */
    public void start() {
        startWall = System.nanoTime();
        startServer = serverCpu();
        startGenerator = cpu(generator);
        startMachine = machineTicks();
    }

    /** The interval since {@link #start}. */
    public Usage usage() {
        Duration wall = Duration.ofNanos(System.nanoTime() - startWall);
        Duration serverCpu = serverCpu().minus(startServer);
        double serverCores = server.isEmpty() ? Double.NaN : share(serverCpu, wall);
        double generatorCores = share(cpu(generator).minus(startGenerator), wall);
        long[] machine = machineTicks();
        boolean known = machine != null && startMachine != null;
        double machineCores = known ? cores(machine, 0) : Double.NaN;
        double stolenCores = known ? cores(machine, 3) : Double.NaN;
        return new Usage(wall, serverCpu, serverCores, generatorCores,
                machineCores - stolenCores - serverCores - generatorCores, stolenCores);
    }

    /** Cores' worth of the ticks in column {@code i} of {@link #machineTicks} since {@link #start}. */
    private double cores(long[] machine, int i) {
        return (double) (machine[i] - startMachine[i]) / (machine[1] - startMachine[1]) * machine[2];
    }

    private Duration serverCpu() {
        return server.stream().map(CpuAccount::cpu).reduce(Duration.ZERO, Duration::plus);
    }

    private static double share(Duration cpu, Duration wall) {
        return wall.isZero() ? 0 : (double) cpu.toNanos() / wall.toNanos();
    }

    private static Duration cpu(ProcessHandle p) {
        return p.info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("the OS does not report the CPU time of " + p.pid()));
    }

    /**
     * Busy ticks (steal included), total ticks (summed over all CPUs), the number of CPUs and steal ticks, from
     * /proc/stat (Linux); null elsewhere.
     * Read from the OS rather than the runtime, which sees only the CPUs this process is pinned to.
     */
    private static long[] machineTicks() {
        if (!Files.isReadable(PROC_STAT)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(PROC_STAT);
            String[] f = lines.get(0).trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal
            long total = 0;
            for (int i = 1; i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long cpus = lines.stream().filter(l -> l.matches("cpu\\d+ .*")).count();
            return new long[] {total - idle, total, cpus, Long.parseLong(f[8])};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
