package io.doorstep.loadtest;

import io.doorstep.loadtest.calls.CallLoad;
import io.doorstep.loadtest.probe.RedisProbe;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How measured phases are cut into slices, and when a slice counts as disturbed by other work on the machine. */
final class SliceOptions {
    @Option(names = "--slice", defaultValue = "10s",
            description = "Measured phases run in slices of this length (default ${DEFAULT-VALUE}).")
    Duration slice;

    @Option(names = "--max-other-cores", defaultValue = "0.25",
            description = "A slice during which other work on the machine used more CPU than this is left out and "
                    + "made up for (default ${DEFAULT-VALUE}).")
    double maxOtherCores;

    @Option(names = "--reruns", defaultValue = "2",
            description = "Slices run to make up for left-out ones, as a multiple of those asked for "
                    + "(default ${DEFAULT-VALUE}).")
    int reruns;

    /** How long Redis's background (no calls placed) is measured before the measured phases. */
    private static final Duration REDIS_BACKGROUND = Duration.ofSeconds(3);
    /** How long the background waits for the warm-up's last calls to end. */
    private static final Duration WARMUP_END = Duration.ofSeconds(60);

    /**
     * The measured phases of a signed-in (and warmed-up) load. With the cluster's Redis ({@code redis} not null), first
     * measures what Redis does with no calls, to take off every phase; not while calls are still in progress (a
     * warm-up the nodes fell behind with), which would count them as background.
     */
    MeasuredPhases measuredPhases(CallLoad load, TargetOptions target, RedisProbe redis) throws InterruptedException {
        if (redis != null) {
            System.out.print(load.awaitNoCalls(WARMUP_END)
                    ? Reports.redisBackground(redis.measureBackground(REDIS_BACKGROUND))
                    : "redis background not measured: calls still in progress after the warm-up; none taken off\n");
        }
        return new MeasuredPhases(load, target.cpuAccount(), slice, maxOtherCores, reruns, redis);
    }
}
