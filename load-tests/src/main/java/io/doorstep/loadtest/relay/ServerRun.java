package io.doorstep.loadtest.relay;

import java.util.List;
import java.util.Map;

/**
 * Everything one generator run against one server measured, written as JSON for {@code relay-bench summarize}.
 *
 * @param name       which server: ours, coturn, echo (plain UDP echo on the server core), direct (no server)
 * @param mode       TURN or DIRECT
 * @param round      the alternation round this run belongs to
 * @param settings   the options the run used
 * @param warmup     the warm-up step (not a result)
 * @param saturation the ramp with few fat flows, or null
 * @param realistic  the many-small-flows step (after its own warm-up), or null
 * @param allocate   the allocation-rate profile (Allocate + ChannelBind of new clients at a fixed rate), or null
 * @param tcp        the realistic profile with the clients speaking TURN over TCP to the relay, or null
 */
public record ServerRun(String name, String mode, int round, String started, Map<String, Object> settings,
                        StepResult warmup, Saturation saturation, StepResult realistic, AllocateResult allocate,
                        StepResult tcp) {

    public ServerRun(String name, String mode, int round, String started, Map<String, Object> settings,
                     StepResult warmup, Saturation saturation, StepResult realistic) {
        this(name, mode, round, started, settings, warmup, saturation, realistic, null, null);
    }

    /**
     * @param steps       every step of the ramp, in order
     * @param maxLossFree the step with the highest forwarded rate whose loss stayed within the threshold
     * @param peakPps     the highest forwarded rate of any step the generator kept up with, lossy or not: with the
     *                    overload steps past the first lossy one, the server's capacity
     * @param limitedBy   why the ramp stopped: "server" (loss over the threshold), "generator" (the generator fell
     *                    behind its schedule or dropped at its own sockets first), or "max-rate"
     */
    public record Saturation(int flows, double lossThreshold, List<StepResult> steps, StepResult maxLossFree,
                             double peakPps, String limitedBy) {
    }
}
