package io.doorstep.loadtest;

import io.doorstep.loadtest.client.Fleet;
import io.doorstep.loadtest.probe.CpuAccount;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the server is, who the bench may sign in as, and how it connects. */
final class TargetOptions {
    @Option(names = "--url", defaultValue = "ws://127.0.0.1:8080/ws",
            description = "Server WebSocket URL (default ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--directory", required = true,
            description = "The directory file the server reads (see the `directory` command).")
    String directory;

    @Option(names = "--catalogue", defaultValue = "classpath:defaults/catalogue.yaml",
            description = "The catalogue the server reads (default ${DEFAULT-VALUE}).")
    String catalogue;

    @Option(names = "--secret", defaultValue = "${env:DOORSTEP_AUTH_HS256_SECRET}",
            description = "The server's HS256 token secret (default: $DOORSTEP_AUTH_HS256_SECRET).")
    String secret;

    @Option(names = "--io-threads", defaultValue = "1",
            description = "Event loop threads of the client (default ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--source-addresses", split = ",", defaultValue = "127.0.0.1",
            description = "Local addresses to connect from, round robin; add 127.0.0.2,... when one address runs "
                    + "out of ephemeral ports (default ${DEFAULT-VALUE}).")
    List<String> sourceAddresses;

    @Option(names = "--sign-in-parallelism", defaultValue = "200",
            description = "Sign-ins in flight at once (default ${DEFAULT-VALUE}).")
    int signInParallelism;

    @Option(names = "--sign-in-timeout", defaultValue = "120s",
            description = "Time allowed for all sign-ins (default ${DEFAULT-VALUE}).")
    Duration signInTimeout;

    @Option(names = "--server-pid",
            description = "The server's process id, when it runs on this machine: its CPU use (and so that of other "
                    + "work) is reported, and idle, soak and district-peak read its heap (jcmd).")
    Long serverPid;

    Fleet fleet() {
        return new Fleet(new Fleet.Options(url, ioThreads, sourceAddresses, signInParallelism, signInTimeout));
    }

    Credentials credentials() {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("give the server's HS256 secret with --secret or "
                    + "DOORSTEP_AUTH_HS256_SECRET");
        }
        return new Credentials(directory, catalogue, secret);
    }

    CpuAccount cpuAccount() {
        return new CpuAccount(Optional.ofNullable(serverPid));
    }
}
