package io.doorstep.loadtest;

import io.doorstep.loadtest.calls.CallLoad;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The population of a call load and how its agents behave. */
final class CallOptions {
    @Option(names = "--stations", defaultValue = "1310",
            description = "Station connections (default ${DEFAULT-VALUE}, the district's stations).")
    int stations;

    @Option(names = "--agents", defaultValue = "300", description = "Agent connections (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--answer-delay", defaultValue = "0ms",
            description = "How long an agent lets an offer ring before accepting (default ${DEFAULT-VALUE}).")
    Duration answerDelay;

    @Option(names = "--talk-time", defaultValue = "100ms",
            description = "How long a connected call lasts before the agent hangs up (default ${DEFAULT-VALUE}). "
                    + "Short, so agents are free again and calls do not queue: the bench measures set-up, "
                    + "not queueing.")
    Duration talkTime;

    @Option(names = "--drain-timeout", defaultValue = "10s",
            description = "How long a phase waits for its last calls to end (default ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--warmup", defaultValue = "20s",
            description = "Calls placed and not reported before measuring, so the server's JIT has compiled the "
                    + "call path (default ${DEFAULT-VALUE}).")
    Duration warmup;

    CallLoad.Settings settings() {
        return new CallLoad.Settings(stations, agents, answerDelay, talkTime, drainTimeout);
    }
}
