package io.doorstep.loadtest;

import io.doorstep.config.ConfigLoader;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Load generator for the signalling server (issue #2 §8): call set-up latency for a district, the arrival rate
 * where it turns (the knee), and the heap cost of idle sessions. Run {@code run-signalling-bench.sh} for the whole
 * benchmark; docs/benchmarks.md has the method and the results.
 */
@Command(name = "signalling-bench", mixinStandardHelpOptions = true, version = "signalling-bench 0.1.0",
        description = "Load generator for the Doorstep signalling server.",
        subcommands = {DirectoryCommand.class, DistrictCommand.class, PeakCommand.class, RampCommand.class,
                IdleCommand.class, SoakCommand.class, DocumentsCommand.class, CompareCommand.class})
public final class SignallingBench {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line. Durations are written as in the server config (500ms, 30s, 5m). A later option overrides an
     * earlier one, so a script's defaults can be followed by the caller's own.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new SignallingBench())
                .registerConverter(Duration.class, ConfigLoader::parseDuration)
                .setOverwrittenOptionsAllowed(true);
    }
}
