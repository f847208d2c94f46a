package io.doorstep.loadtest.relay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.doorstep.config.ConfigLoader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The relay benchmark (issue #3, "Performance"): a TURN load generator with its own echo peer, a plain UDP echo to
 * measure the ceiling with, and the summary of several alternated runs. {@code load-tests/run-relay-bench.sh} runs
 * the whole comparison against coturn; docs/benchmarks.md has the method and the figures.
 *
 * <pre>
 * relay-bench run --name ours --mode TURN --server 127.0.0.1:3478 --secret S --server-pid P --server-core 0 --out r.json
 * relay-bench echo --bind 127.0.0.1:3479
 * relay-bench summarize results/
 * </pre>
 */
@Command(name = "relay-bench", mixinStandardHelpOptions = true, version = "relay-bench 0.1.0",
        description = "Load generator for TURN relays (ours and coturn), with its own echo peer.",
        subcommands = {RelayBench.Run.class, RelayBench.Echo.class, Summary.class})
public final class RelayBench {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new RelayBench())
                .registerConverter(Duration.class, RelayBench::duration)
                .registerConverter(InetSocketAddress.class, RelayBench::address)
                .setOverwrittenOptionsAllowed(true);
    }

    /** Durations as in the server configs (500ms, 30s, 5m), and microseconds for the pacer (250us). */
    static Duration duration(String text) {
        String t = text.trim();
        if (t.matches("\\d+us")) {
            return Duration.ofNanos(Long.parseLong(t.substring(0, t.length() - 2)) * 1000);
        }
        return ConfigLoader.parseDuration(t);
    }

    /** "host:port", as every load-test command takes a server's address. */
    public static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port, got " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** One run against one server: warm-up, the saturation ramp, the realistic profile. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Warm up, ramp few fat flows to saturation, then run many small flows; JSON to --out.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "Label of the server: ours, coturn, echo, direct.")
        String name;

        @Option(names = "--round", description = "Alternation round, for the report (default: ${DEFAULT-VALUE}).")
        int round = 1;

        @Option(names = "--mode", description = "TURN (through a relay) or DIRECT (to a UDP echo): ${DEFAULT-VALUE}.")
        Generator.Mode mode = Generator.Mode.TURN;

        @Option(names = "--server", description = "host:port of the TURN server or the UDP echo "
                + "(DIRECT without it: the generator's own echo peer, no server at all).")
        InetSocketAddress server;

        @Option(names = "--secret", description = "TURN REST shared secret (or env DOORSTEP_AUTH_REST_SECRET).")
        String secret = System.getenv("DOORSTEP_AUTH_REST_SECRET");

        @Option(names = "--server-pid", description = "The server's pid, for its CPU time from /proc (0: none).")
        int serverPid;

        @Option(names = "--server-core", description = "The core the server is pinned to (-1: none).")
        int serverCore = -1;

        @Option(names = "--profiles", split = ",", description = "Any of warmup, saturation, realistic, allocate "
                + "(new clients at --alloc-rate), tcp (the realistic profile with TURN over TCP clients); allocate "
                + "and tcp only in TURN mode (default: ${DEFAULT-VALUE}).")
        List<String> profiles = List.of("warmup", "saturation", "realistic", "allocate", "tcp");

        @Option(names = "--alloc-rate", description = "New clients per second in the allocate profile "
                + "(${DEFAULT-VALUE}).")
        double allocRate = 500;

        @Option(names = "--alloc-count", description = "Clients of the allocate profile (${DEFAULT-VALUE}: "
                + "4 s at 500/s).")
        int allocCount = 2000;

        @Option(names = "--alloc-warmup", description = "Unmeasured clients at the same rate before the allocate "
                + "profile, so that neither side runs it interpreted (${DEFAULT-VALUE}).")
        int allocWarmup = 2000;

        @Option(names = "--alloc-timeout", description = "Limit of the allocate profile (${DEFAULT-VALUE}).")
        Duration allocTimeout = Duration.ofSeconds(60);

        @Option(names = "--payload", description = "Payload bytes per packet (default: ${DEFAULT-VALUE}).")
        int payload = 1200;

        @Option(names = "--busy-poll", arity = "1", description = "Spin on epoll_wait(0) rather than sleep in it: "
                + "true or false (default: ${DEFAULT-VALUE}).")
        boolean busyPoll = true;

        @Option(names = "--gso", arity = "1", description = "Send a burst to one address as one UDP GSO datagram: "
                + "true or false (default: ${DEFAULT-VALUE}).")
        boolean gso = true;

        @Option(names = "--warmup-rate", description = "Forwarded packets/s during the warm-up (${DEFAULT-VALUE}).")
        double warmupRate = 50_000;

        @Option(names = "--warmup", description = "Warm-up length (default: ${DEFAULT-VALUE}).")
        Duration warmup = Duration.ofSeconds(20);

        @Option(names = "--sat-flows", description = "Flows (allocations) of the saturation ramp (${DEFAULT-VALUE}).")
        int satFlows = 4;

        @Option(names = "--sat-start", description = "First offered rate, forwarded packets/s (${DEFAULT-VALUE}).")
        double satStart = 50_000;

        @Option(names = "--sat-factor", description = "Rate multiplier between steps (${DEFAULT-VALUE}).")
        double satFactor = 1.15;

        @Option(names = "--sat-max", description = "Highest rate tried, forwarded packets/s (${DEFAULT-VALUE}).")
        double satMax = 1_000_000;

        @Option(names = "--sat-step", description = "Length of a ramp step (default: ${DEFAULT-VALUE}).")
        Duration satStep = Duration.ofSeconds(2);

        @Option(names = "--sat-loss", description = "Loss that ends the ramp (default: ${DEFAULT-VALUE}).")
        double satLoss = 0.01;

        @Option(names = "--sat-refine", description = "Bisection steps after the first lossy one (${DEFAULT-VALUE}).")
        int satRefine = 2;

        @Option(names = "--sat-overload", description = "Steps past the first lossy one, to see what the server "
                + "still delivers when overloaded (default: ${DEFAULT-VALUE}).")
        int satOverload = 2;

        @Option(names = "--sat-tick", description = "Pacer period in the ramp (default: ${DEFAULT-VALUE}).")
        Duration satTick = Duration.ofNanos(250_000);

        @Option(names = "--flows", description = "Flows (allocations) of the realistic profile (${DEFAULT-VALUE}).")
        int flows = 500;

        @Option(names = "--flow-rate", description = "Packets/s each realistic flow sends (${DEFAULT-VALUE}); each "
                + "comes back, so a relay forwards twice as many.")
        double flowRate = 50;

        @Option(names = "--realistic-warmup", description = "Unmeasured lead-in (default: ${DEFAULT-VALUE}).")
        Duration realisticWarmup = Duration.ofSeconds(10);

        @Option(names = "--realistic-duration", description = "Measured length (default: ${DEFAULT-VALUE}).")
        Duration realisticDuration = Duration.ofSeconds(10);

        @Option(names = "--tick", description = "Pacer period in the realistic profile (${DEFAULT-VALUE}).")
        Duration tick = Duration.ofNanos(20_000);

        @Option(names = "--drain", description = "Longest wait for late answers after a step (${DEFAULT-VALUE}).")
        Duration drain = Duration.ofMillis(300);

        @Option(names = "--disturbance", description = "Other work (cores) that makes a step disturbed; a disturbed "
                + "step that failed, or a disturbed realistic step, is repeated (default: ${DEFAULT-VALUE}).")
        double disturbance = 0.15;

        @Option(names = "--retries", description = "Repeats of a disturbed step (default: ${DEFAULT-VALUE}).")
        int retries = 2;

        @Option(names = "--setup-timeout", description = "Limit for opening all allocations (${DEFAULT-VALUE}).")
        Duration setupTimeout = Duration.ofSeconds(60);

        @Option(names = "--out", description = "Where to write the JSON report.")
        Path out;

        @Override
        public Integer call() throws Exception {
            Generator.Settings settings = new Generator.Settings(mode, server, secret, payload, busyPoll, gso);
            Map<String, Object> options = new LinkedHashMap<>();
            options.put("server", server == null ? "in-process echo" : server.toString());
            options.put("payload", payload);
            options.put("busyPoll", busyPoll);
            options.put("gso", gso);
            options.put("satFlows", satFlows);
            options.put("satStep", satStep.toString());
            options.put("satTickNanos", satTick.toNanos());
            options.put("flows", flows);
            options.put("flowRate", flowRate);
            options.put("realisticDuration", realisticDuration.toString());
            options.put("tickNanos", tick.toNanos());
            options.put("allocRate", allocRate);
            options.put("allocCount", allocCount);
            options.put("allocWarmup", allocWarmup);
            String started = Instant.now().toString();
            StepResult warm = null;
            ServerRun.Saturation saturation = null;
            StepResult realistic = null;
            AllocateResult allocate = null;
            StepResult tcp = null;
            try (Generator g = new Generator(settings)) {
                if (profiles.contains("warmup") || profiles.contains("saturation")) {
                    g.openFlows(satFlows, true, setupTimeout);
                    if (profiles.contains("warmup")) {
                        warm = print(g.step("warmup", warmupRate, warmup, drain, satTick, serverPid, serverCore));
                    }
                    if (profiles.contains("saturation")) {
                        saturation = ramp(g);
                    }
                    g.closeFlows();
                }
                if (profiles.contains("realistic")) {
                    long t0 = System.nanoTime();
                    g.openFlows(flows, flows <= 16, setupTimeout);
                    System.out.printf("%s: %d flows open in %.0f ms%n", name, flows, (System.nanoTime() - t0) / 1e6);
                    double offered = flows * flowRate * g.forwardsPerRoundTrip();
                    if (!realisticWarmup.isZero()) {
                        print(g.step("r-warmup", offered, realisticWarmup, drain, tick, serverPid, serverCore));
                    }
                    realistic = measure(g, "realistic", offered, realisticDuration, tick, true);
                    g.closeFlows();
                }
                if (profiles.contains("allocate") && mode == Generator.Mode.TURN) {
                    if (allocWarmup > 0) {
                        System.out.println("(warm-up) " + g.allocateStep(allocRate, allocWarmup, allocTimeout,
                                serverPid, serverCore).describe());
                    }
                    allocate = g.allocateStep(allocRate, allocCount, allocTimeout, serverPid, serverCore);
                    System.out.println(allocate.describe());
                }
            }
            if (profiles.contains("tcp") && mode == Generator.Mode.TURN) {
                try (Generator g = new Generator(settings.withTcp(true))) {
                    long t0 = System.nanoTime();
                    g.openFlows(flows, false, setupTimeout);
                    System.out.printf("%s: %d TCP flows open in %.0f ms%n", name, flows,
                            (System.nanoTime() - t0) / 1e6);
                    double offered = flows * flowRate * g.forwardsPerRoundTrip();
                    if (!realisticWarmup.isZero()) {
                        print(g.step("t-warmup", offered, realisticWarmup, drain, tick, serverPid, serverCore));
                    }
                    tcp = measure(g, "tcp", offered, realisticDuration, tick, true);
                    g.closeFlows();
                }
            }
            ServerRun report = new ServerRun(name, mode.name(), round, started, options, warm, saturation, realistic,
                    allocate, tcp);
            if (out != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
                JSON.writeValue(out.toFile(), report);
            }
            if (saturation != null) {
                System.out.printf("%s: saturation with %d flows: %.0f forwarded packets/s at <= %.1f%% loss "
                                + "(peak %.0f), limited by %s%n", name, satFlows,
                        saturation.maxLossFree() == null ? 0 : saturation.maxLossFree().forwardedPps(),
                        satLoss * 100, saturation.peakPps(), saturation.limitedBy());
            }
            return 0;
        }

        /** Raises the rate by {@code satFactor} until loss passes the threshold, then bisects between the two. */
        private ServerRun.Saturation ramp(Generator g) throws Exception {
            List<StepResult> steps = new ArrayList<>();
            StepResult good = null;
            StepResult bad = null;
            for (double rate = satStart; rate <= satMax; rate *= satFactor) {
                StepResult r = measure(g, "ramp", rate, satStep, satTick, false);
                steps.add(r);
                if (acceptable(r)) {
                    good = r;
                } else {
                    bad = r;
                    break;
                }
            }
            if (bad != null && !generatorLimited(bad)) { // overload: what the server still delivers is its capacity
                double rate = bad.offeredPps();
                for (int i = 0; i < satOverload; i++) {
                    rate *= satFactor;
                    StepResult r = print(g.step("overload", rate, satStep, drain, satTick, serverPid, serverCore));
                    steps.add(r);
                    if (generatorLimited(r)) {
                        break;
                    }
                }
            }
            if (good != null && bad != null) {
                double lo = good.offeredPps();
                double hi = bad.offeredPps();
                for (int i = 0; i < satRefine; i++) {
                    double mid = Math.sqrt(lo * hi);
                    StepResult r = measure(g, "refine", mid, satStep, satTick, false);
                    steps.add(r);
                    if (acceptable(r)) {
                        lo = mid;
                        if (r.forwardedPps() > good.forwardedPps()) {
                            good = r;
                        }
                    } else {
                        hi = mid;
                        bad = r;
                    }
                }
            }
            double peak = steps.stream().filter(r -> !generatorLimited(r)).mapToDouble(StepResult::forwardedPps)
                    .max().orElse(0);
            String limit = bad == null ? "max-rate" : generatorLimited(bad) ? "generator" : "server";
            return new ServerRun.Saturation(satFlows, satLoss, steps, good, peak, limit);
        }

        /**
         * One step, repeated (up to {@code retries} times) while it was not a fair measurement: other work on the
         * machine took more than {@code disturbance} cores, or the generator itself stalled (1% of its packets went
         * out over 10 ms late: a JIT deoptimisation, a safepoint, the scheduler). A ramp step is repeated only when it
         * also failed; a realistic step ({@code always}) whenever. Returns the fairest attempt.
         */
        private StepResult measure(Generator g, String label, double rate, Duration length, Duration pacing,
                                   boolean always) throws Exception {
            StepResult best = null;
            for (int attempt = 0; attempt <= retries; attempt++) {
                StepResult r = print(g.step(label, rate, length, drain, pacing, serverPid, serverCore));
                if (best == null || unfairness(r) < unfairness(best)) {
                    best = r;
                }
                boolean disturbed = r.otherCores() > disturbance;
                boolean stalled = r.sendLag().p99() > 10_000;
                if (!disturbed && !stalled || !always && acceptable(r)) {
                    return r;
                }
                if (attempt == retries) {
                    break; // no pause after the last attempt
                }
                System.out.printf("  (%s: repeating the step)%n", disturbed
                        ? String.format(java.util.Locale.ROOT, "other work took %.2f cores", r.otherCores())
                        : String.format(java.util.Locale.ROOT, "the generator stalled, send lag p99 %.1f ms",
                        r.sendLag().p99() / 1e3));
                Thread.sleep(1000);
            }
            return best;
        }

        /** Orders attempts: undisturbed first, then by how late the generator sent. */
        private double unfairness(StepResult r) {
            return (r.otherCores() > disturbance ? 1e9 : 0) + r.sendLag().p99();
        }

        private boolean acceptable(StepResult r) {
            return r.loss() <= satLoss && !generatorLimited(r);
        }

        /**
         * The generator, not the server, was the limit: it fell behind its schedule by more than a pacer tick plus
         * 2 ms for a tenth of the packets, or dropped more than 0.1% at its own sockets.
         */
        private boolean generatorLimited(StepResult r) {
            return r.sendLag().p90() > satTick.toNanos() / 1e3 + 2000 || r.generatorDrops() > r.sent() / 1000;
        }

        private static StepResult print(StepResult r) {
            System.out.println(r.describe());
            return r;
        }
    }

    /** The plain UDP echo that measures the ceiling; runs until killed. */
    @Command(name = "echo", mixinStandardHelpOptions = true, description = "Plain UDP echo on one epoll loop.")
    static final class Echo implements Callable<Integer> {
        @Option(names = "--bind", description = "host:port (default: ${DEFAULT-VALUE}).")
        InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 3479);

        @Override
        public Integer call() throws Exception {
            EchoServer server = EchoServer.start(bind);
            System.out.println("echo listening on " + server.address());
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
            return 0;
        }
    }
}
