package io.doorstep.loadtest;

import io.doorstep.loadtest.client.Fleet;
import io.doorstep.loadtest.idle.IdleSessions;
import io.doorstep.loadtest.probe.MemoryProbe;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(abbreviateSynopsis = true, name = "idle", mixinStandardHelpOptions = true,
        description = "Many signed-in sessions that only keep their heartbeat: the server's memory per session "
                + "(needs --server-pid to measure it).")
final class IdleCommand implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Option(names = "--sessions", defaultValue = "10000", description = "Station sessions (default ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--hold", defaultValue = "25s",
            description = "How long the sessions stay before memory is measured: longer than the heartbeat "
                    + "interval, so pings and their acknowledgements are part of the state (default ${DEFAULT-VALUE}).")
    Duration hold;

    @Option(names = "--budget-mb", defaultValue = "300",
            description = "Heap allowed for all the sessions, in MB of 10^6 bytes (default ${DEFAULT-VALUE}).")
    long budgetMb;

    @Override
    public Integer call() throws Exception {
        Credentials credentials = target.credentials();
        MemoryProbe memory = target.serverPid() == null ? null : new MemoryProbe(target.serverPid());
        long heapBefore = memory == null ? 0 : memory.heapUsedAfterFullGc();
        long residentBefore = memory == null ? 0 : memory.residentBytes();
        try (Fleet fleet = target.fleet()) {
            long start = System.nanoTime();
            try (IdleSessions idle = IdleSessions.signIn(fleet, credentials, sessions)) {
                System.out.println(Reports.format("idle: %d sessions signed in in %.1f s; holding %d s",
                        idle.size(), (System.nanoTime() - start) / 1e9, hold.toSeconds()));
                Thread.sleep(hold.toMillis());
                System.out.println(Reports.format("  sessions lost while idle: %d, error messages: %d",
                        idle.lost(), idle.errors()));
                if (memory != null) {
                    report(memory, heapBefore, residentBefore);
                }
                return idle.lost() == 0 && idle.errors() == 0 ? 0 : 1;
            }
        }
    }

    private void report(MemoryProbe memory, long heapBefore, long residentBefore) throws Exception {
        long heap = memory.heapUsedAfterFullGc();
        long resident = memory.residentBytes();
        System.out.println("  server heap after full GC: " + Reports.mb(heapBefore) + " before sign-in, "
                + Reports.mb(heap) + " with the sessions: " + Reports.kb((heap - heapBefore) / sessions)
                + " per session");
        System.out.println("  server resident set: " + Reports.mb(residentBefore) + " before, " + Reports.mb(resident)
                + " with the sessions: " + Reports.kb((resident - residentBefore) / sessions) + " per session");
        System.out.println(Reports.format("  target: %d sessions in < %d MB of heap: %s", sessions, budgetMb,
                heap < budgetMb * 1_000_000 ? "met" : "MISSED"));
    }
}
