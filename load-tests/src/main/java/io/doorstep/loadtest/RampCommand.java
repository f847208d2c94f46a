package io.doorstep.loadtest;

import io.doorstep.loadtest.calls.CallLoad;
import io.doorstep.loadtest.calls.CallReport;
import io.doorstep.loadtest.client.Fleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ramp", mixinStandardHelpOptions = true,
        description = "Raise the call arrival rate step by step and find the knee: the first rate where p99 "
                + "request-to-offer exceeds a threshold.")
final class RampCommand implements Callable<Integer> {
    @Mixin
    TargetOptions target;

    @Mixin
    CallOptions calls;

    @Option(names = "--rates", split = ",", defaultValue = "50,100,200,300,400,500,600,800,1000",
            description = "Calls per second of each step (default ${DEFAULT-VALUE}).")
    List<Double> rates;

    @Option(names = "--step-duration", defaultValue = "10s", description = "Each step (default ${DEFAULT-VALUE}).")
    Duration stepDuration;

    @Option(names = "--warmup-rate", defaultValue = "200",
            description = "Calls per second during the warm-up (default ${DEFAULT-VALUE}).")
    double warmupRate;

    @Option(names = "--knee", defaultValue = "5ms",
            description = "p99 request-to-offer above this marks the knee (default ${DEFAULT-VALUE}).")
    Duration knee;

    @Option(names = "--give-up-above", defaultValue = "1s",
            description = "Stop once p99 request-to-offer exceeds this: the server is saturated and higher rates "
                    + "only pile up (default ${DEFAULT-VALUE}).")
    Duration giveUp;

    @Override
    public Integer call() throws Exception {
        Credentials credentials = target.credentials();
        List<CallReport> steps = new ArrayList<>();
        try (Fleet fleet = target.fleet(); CallLoad load = new CallLoad(fleet, credentials, calls.settings())) {
            load.signIn(target.signInTimeout);
            System.out.println(Reports.format("ramp: %d stations, %d agents; %d s per step; talk time %d ms, "
                            + "answer delay %d ms", calls.stations, calls.agents, stepDuration.toSeconds(),
                    calls.talkTime.toMillis(), calls.answerDelay.toMillis()));
            if (!calls.warmup.isZero()) {
                System.out.print(Reports.warmup(load.run(warmupRate, calls.warmup)));
            }
            MeasuredPhases phases = calls.measuredPhases(load, target);
            System.out.println(Reports.rampHeader());
            for (double rate : rates) {
                MeasuredPhases.Phase phase = phases.run(rate, stepDuration);
                CallReport step = phase.calls();
                steps.add(step);
                System.out.println(Reports.rampRow(phase));
                step.errors().forEach((kind, n) -> System.out.println("          error: " + kind + " x " + n));
                if (step.offered().p99() > giveUp.toNanos() / 1e6) {
                    System.out.println("  stopped: p99 above " + giveUp.toMillis() + " ms");
                    break;
                }
            }
        }
        System.out.println(Reports.knee(steps, knee.toNanos() / 1e6));
        return 0;
    }
}
