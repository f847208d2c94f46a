package io.doorstep.loadtest;

import io.doorstep.loadtest.client.Fleet;
import io.doorstep.loadtest.probe.CpuAccount;
import io.doorstep.loadtest.probe.RedisProbe;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** Where the server is, who the bench may sign in as, and how it connects. */
final class TargetOptions {
    @Option(names = "--url", defaultValue = "ws://127.0.0.1:8080/ws",
            description = "Server WebSocket URL (default ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--servers", split = ",", paramLabel = "URL",
            description = "The signalling nodes of a cluster, instead of --url: stations and agents are spread over "
                    + "them round robin, each list on its own, so a call's station and agent sit on different nodes "
                    + "in (n-1)/n of calls. Switchboard histograms are read from the first.")
    List<URI> servers;

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

    @Option(names = "--server-pid", split = ",", paramLabel = "PID",
            description = "The server's process id, when it runs on this machine: its CPU use (and so that of other "
                    + "work) is reported, and idle, soak and district-peak read its heap (jcmd). Several, comma "
                    + "separated, for the nodes of a cluster: their CPU is added up; the heap is the first's.")
    List<Long> serverPids;

    @Option(names = "--redis", paramLabel = "URI",
            description = "The Redis the nodes keep their state in (cluster.state: redis), e.g. redis://127.0.0.1:6379: "
                    + "district and ramp report its commands per completed call, by command, and its CPU, "
                    + "from INFO before and after each measured phase. Counts every client of that Redis.")
    URI redis;

    @Option(names = "--redis-key-prefix", paramLabel = "PREFIX",
            description = "The nodes' cluster.key-prefix: with --redis, district adds a short phase in which Redis's "
                    + "MONITOR counts the round trips per call (commands the nodes send, not those their scripts run), "
                    + "only those naming this prefix.")
    String redisKeyPrefix;

    /** The nodes to connect to: --servers, or --url alone. */
    List<URI> urls() {
        return servers == null || servers.isEmpty() ? List.of(url) : servers;
    }

    /** The server's process (the first node's), if given. */
    Long serverPid() {
        return serverPids == null || serverPids.isEmpty() ? null : serverPids.get(0);
    }

    Fleet fleet() {
        return new Fleet(new Fleet.Options(urls(), ioThreads, sourceAddresses, signInParallelism, signInTimeout));
    }

    Credentials credentials() {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("give the server's HS256 secret with --secret or "
                    + "DOORSTEP_AUTH_HS256_SECRET");
        }
        return new Credentials(directory, catalogue, secret);
    }

    /** The cluster's Redis, when given; null otherwise. */
    RedisProbe redisProbe() {
        return redis == null ? null : new RedisProbe(redis);
    }

    CpuAccount cpuAccount() {
        return new CpuAccount(serverPids == null ? List.of() : serverPids);
    }
}
