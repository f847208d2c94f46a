package io.doorstep.loadtest.relay;

import java.util.Locale;

/**
 * What the allocation-rate profile measured: new clients at a fixed rate, each through Allocate (with its 401
 * challenge), CreatePermission and ChannelBind, then deleted.
 *
 * @param rate            attempts per second offered
 * @param attempts        attempts made
 * @param succeeded       attempts that reached the ChannelBind success
 * @param failed          attempts refused or unanswered (retransmissions exhausted)
 * @param unfinished      attempts still running when the step timed out
 * @param deleted         allocations deleted afterwards (Refresh with LIFETIME 0 answered)
 * @param firstError      the first failure, or null
 * @param seconds         length of the step, from the first due time to the last deletion
 * @param latency         due time → ChannelBind success, of the attempts that succeeded (µs)
 * @param launchLag       how late the generator started attempts against the schedule (µs)
 * @param serverCpuMicros the server's utime + stime over the step (allocations and deletions), µs; -1 unknown
 * @param otherCores      cores' worth of CPU that other processes used during the step (disturbance)
 */
public record AllocateResult(double rate, long attempts, long succeeded, long failed, long unfinished, long deleted,
                             String firstError, double seconds, StepResult.Latency latency,
                             StepResult.Latency launchLag, double serverCpuMicros, double otherCores) {

    /** Server CPU per attempt (its five requests, and the Refresh that deletes it), µs; -1 unknown. */
    public double cpuMicrosPerAllocation() {
        return serverCpuMicros < 0 || attempts == 0 ? -1 : serverCpuMicros / attempts;
    }

    /** Share of one core the server used during the step. */
    public double serverCpuShare() {
        return serverCpuMicros < 0 ? -1 : serverCpuMicros / (seconds * 1e6);
    }

    public String describe() {
        return String.format(Locale.ROOT,
                "%-12s rate=%5.0f/s attempts=%d ok=%d failed=%d unfinished=%d deleted=%d | due -> ChannelBind "
                        + "p50=%7.1f p90=%7.1f p99=%7.1f p99.9=%7.1f max=%8.1f us | server cpu %5.1f%% "
                        + "%6.1f us/allocation | launch lag p99=%6.1f us | other work %.2f cores%s",
                "allocate", rate, attempts, succeeded, failed, unfinished, deleted, latency.p50(), latency.p90(),
                latency.p99(), latency.p999(), latency.max(), serverCpuShare() * 100, cpuMicrosPerAllocation(),
                launchLag.p99(), otherCores, firstError == null ? "" : " | first error: " + firstError);
    }
}
