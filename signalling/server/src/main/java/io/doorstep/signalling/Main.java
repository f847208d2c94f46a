package io.doorstep.signalling;

import io.doorstep.protocol.Role;
import io.doorstep.config.ConfigException;
import io.doorstep.config.ConfigLoader;
import io.doorstep.signalling.config.SignallingConfig;
import io.doorstep.signalling.directory.Directory;
import io.doorstep.signalling.directory.DirectoryException;
import io.doorstep.signalling.directory.DirectoryLoader;
import io.doorstep.signalling.server.Tls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code doorstep-signalling} command line: serve, issue tokens, make development certificates. */
@Command(name = "doorstep", mixinStandardHelpOptions = true, version = "doorstep 0.1.0",
        description = "Doorstep signalling server: remote video government services.",
        subcommands = {Main.Serve.class, Main.Token.class, Main.Cert.class})
public final class Main {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof ConfigException || e instanceof DirectoryException) {
                        cmd.getErr().println("doorstep: invalid configuration: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
        System.exit(cli.execute(args));
    }

    static SignallingConfig config(Path file) {
        return SignallingConfig.load(file, System.getenv());
    }

    @Command(name = "serve", description = "Run the signalling server (embedded default: in-memory state, local disk).")
    static final class Serve implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Config file overriding defaults/doorstep.yaml.")
        Path config;

        @Override
        public Integer call() throws Exception {
            SignallingApp app = new SignallingApp(Main.config(config));
            app.start();
            if (app.config().auth().demoTokens()) {
                printDemoTokens(app);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                app.close();
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
            return 0;
        }

        private static void printDemoTokens(SignallingApp app) {
            Duration ttl = Duration.ofHours(12);
            Directory d = app.directory();
            StringBuilder out = new StringBuilder("\nDemo tokens (valid 12 h; auth.demo-tokens=false hides them):\n");
            d.stations().stream().limit(2).forEach(s -> out.append(String.format("  station  %-24s %s%n", s.id(),
                    app.token(s.id(), Role.STATION, ttl))));
            d.agents().stream().limit(2).forEach(a -> out.append(String.format("  agent    %-24s %s%n", a.id(),
                    app.token(a.id(), Role.AGENT, ttl))));
            d.operators().stream().limit(1).forEach(o -> out.append(String.format("  operator %-24s %s%n", o.id(),
                    app.token(o.id(), Role.OPERATOR, ttl))));
            System.out.println(out);
        }
    }

    @Command(name = "token", description = "Issue a sign-in token (HS256, with the configured secret).")
    static final class Token implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "Config file.")
        Path config;

        @Option(names = "--id", required = true, description = "Directory id of the station, agent or operator.")
        String id;

        @Option(names = "--role", required = true, description = "station, agent or operator.")
        String role;

        @Option(names = "--ttl", defaultValue = "12h", description = "Validity, e.g. 30m, 12h, 30d (default ${DEFAULT-VALUE}).")
        String ttl;

        @Override
        public Integer call() {
            SignallingConfig cfg = Main.config(config);
            Role r = Role.fromWireName(role);
            if (r == null) {
                System.err.println("doorstep: --role must be station, agent or operator");
                return 2;
            }
            Directory directory = DirectoryLoader.directory(cfg.directory().file(),
                    DirectoryLoader.catalogue(cfg.directory().catalogue()));
            if (directory.roleOf(id).filter(r::equals).isEmpty()) {
                System.err.println("doorstep: '" + id + "' is not a " + role + " in " + cfg.directory().file());
                return 2;
            }
            System.out.println(SignallingApp.tokenService(cfg, directory, Clock.systemUTC())
                    .issue(id, r, ConfigLoader.parseDuration(ttl)));
            return 0;
        }
    }

    @Command(name = "cert", description = "Generate a self-signed certificate (cert.pem, key.pem) for development.")
    static final class Cert implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "data/tls", description = "Folder (default ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--host", split = ",", defaultValue = "localhost,127.0.0.1",
                description = "Host names and addresses (default ${DEFAULT-VALUE}).")
        List<String> hosts;

        @Option(names = "--days", defaultValue = "365")
        int days;

        @Override
        public Integer call() throws Exception {
            Tls.generateSelfSigned(out, hosts, Duration.ofDays(days));
            System.out.println("wrote " + out.resolve("cert.pem") + " and " + out.resolve("key.pem")
                    + "; set server.tls.cert and server.tls.key to use them");
            return 0;
        }
    }
}
