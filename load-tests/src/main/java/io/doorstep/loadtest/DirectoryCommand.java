package io.doorstep.loadtest;

import io.doorstep.signalling.directory.DirectoryLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(abbreviateSynopsis = true, name = "directory", mixinStandardHelpOptions = true,
        description = "Write a directory file with generated stations and agents for the server to load.")
final class DirectoryCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "The file to write.")
    Path out;

    @Option(names = "--stations", defaultValue = "10000", description = "Stations (default ${DEFAULT-VALUE}).")
    int stations;

    @Option(names = "--agents", defaultValue = "300", description = "Agents (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--skills-per-agent", defaultValue = "3",
            description = "Skill groups per agent (default ${DEFAULT-VALUE}).")
    int skillsPerAgent;

    @Option(names = "--catalogue", defaultValue = "classpath:defaults/catalogue.yaml",
            description = "The catalogue whose skill groups agents get (default ${DEFAULT-VALUE}).")
    String catalogue;

    @Override
    public Integer call() throws Exception {
        BenchDirectory.write(out, stations, agents, skillsPerAgent, DirectoryLoader.catalogue(catalogue));
        System.out.println("wrote " + out + ": " + stations + " stations, " + agents + " agents with "
                + skillsPerAgent + " skill groups each");
        return 0;
    }
}
