package io.doorstep.loadtest;

import io.doorstep.loadtest.calls.CallLoad;
import io.doorstep.loadtest.calls.CallReport;
import io.doorstep.loadtest.probe.CpuAccount;
import io.doorstep.loadtest.probe.RedisProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the measured phases of a call load in slices and accounts the CPU of each. On a machine shared with other
 * work, a slice during which that work took more than {@code maxOtherCores} measured the neighbours as much as the
 * server: it is left out, and slices go on (up to {@code 1 + reruns} times the slices asked for) until the phase
 * has its full length of undisturbed ones. If it never gets any, it reports every slice it ran, and says so. With a
 * Redis probe (a cluster), it also reads what Redis did over the whole phase, every slice included.
 */
final class MeasuredPhases {
    /**
     * A phase's calls and where the CPU went meanwhile, over {@code kept} of the {@code run} slices; {@code slices}
     * are all of them in order, for the report's charts. {@code redis}: what Redis did for the calls of all slices
     * (null without a probe).
     */
    record Phase(CallReport calls, CpuAccount.Usage cpu, int kept, int run, List<Slice> slices,
                 RedisProbe.Usage redis) {
        boolean disturbed() {
            return kept == 0;
        }

        /** The calls completed in every slice, left-out ones included: what Redis's counts are divided by. */
        long completedInAllSlices() {
            return slices.stream().mapToLong(s -> s.calls().completed()).sum();
        }
    }

    /** One slice: its calls, its CPU, and whether it counted (the machine was quiet). */
    record Slice(CallReport calls, CpuAccount.Usage cpu, boolean quiet) {
    }

    private final CallLoad load;
    private final CpuAccount cpu;
    private final Duration sliceLength;
    private final double maxOtherCores;
    private final int reruns;
    private final RedisProbe redis;

    /** {@code redis}: the cluster's Redis, or null. */
    MeasuredPhases(CallLoad load, CpuAccount cpu, Duration sliceLength, double maxOtherCores, int reruns,
                   RedisProbe redis) {
        this.load = load;
        this.cpu = cpu;
        this.sliceLength = sliceLength;
        this.maxOtherCores = maxOtherCores;
        this.reruns = reruns;
        this.redis = redis;
    }

    Phase run(double rate, Duration duration) throws InterruptedException {
        Duration slice = duration.compareTo(sliceLength) < 0 ? duration : sliceLength;
        long wanted = (duration.toNanos() + slice.toNanos() - 1) / slice.toNanos();
        Phase kept = null;
        Phase all = null;
        List<Slice> slices = new ArrayList<>();
        RedisProbe.Snapshot redisBefore = redis == null ? null : redis.snapshot();
        for (int run = 1; run <= wanted * (1 + reruns) && (kept == null || kept.kept() < wanted); run++) {
            cpu.start();
            CallReport calls = load.run(rate, slice);
            CpuAccount.Usage usage = cpu.usage();
            boolean quiet = !(usage.other() > maxOtherCores); // NaN (not known) counts as quiet
            slices.add(new Slice(calls, usage, quiet));
            all = add(all, calls, usage, quiet);
            if (quiet) {
                kept = add(kept, calls, usage, true);
            } else {
                System.out.println(Reports.format("  (%.0f/s: other work took %.2f cores during a %d s slice; "
                        + "left out)", rate, usage.other(), slice.toSeconds()));
            }
        }
        Phase phase = kept != null ? kept : all;
        return new Phase(phase.calls(), phase.cpu(), phase.kept(), all.run(), List.copyOf(slices),
                redis == null ? null : redis.callsSince(redisBefore));
    }

    private static Phase add(Phase phase, CallReport calls, CpuAccount.Usage usage, boolean quiet) {
        int kept = quiet ? 1 : 0;
        return phase == null ? new Phase(calls, usage, kept, 1, List.of(), null)
                : new Phase(phase.calls().plus(calls), phase.cpu().plus(usage), phase.kept() + kept, phase.run() + 1,
                List.of(), null);
    }
}
