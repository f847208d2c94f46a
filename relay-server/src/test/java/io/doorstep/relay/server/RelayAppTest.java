package io.doorstep.relay.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.config.ConfigException;
import io.doorstep.relay.config.RelayConfig;
import io.doorstep.relay.stun.StunAttribute;
import io.doorstep.relay.stun.StunClass;
import io.doorstep.relay.stun.StunMessage;
import io.doorstep.relay.stun.StunMethod;
import io.doorstep.relay.transport.TurnServer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** How the relay is put together from its configuration, and the {@code doorstep-relay} process itself. */
@ExtendWith(LeakCheck.class)
class RelayAppTest {
    private static final Duration PROCESS_LIMIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    /** With no rest-secret the relay makes one in the data directory, which the signalling server reads too. */
    @Test
    void withoutARestSecretTheRelayMakesOneInTheDataDirAndUsesIt() throws Exception {
        try (TestRelay relay = TestRelay.start(dir, Map.of("DOORSTEP_AUTH_REST_SECRET", ""))) {
            Path file = dir.resolve("data").resolve("turn-secret");
            assertThat(file).exists();
            String secret = Files.readString(file, UTF_8).trim();
            assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
            String username = (System.currentTimeMillis() / 1000 + 600) + ":station-1";
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA1"));
            String password = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(UTF_8)));
            String[] withTheTestSecret = TestRelay.restCredentials(System.currentTimeMillis() / 1000 + 600, "x");

            try (TurnClient ok = new TurnClient(StunClient.udp(relay.address()), username, password);
                 TurnClient wrong = new TurnClient(StunClient.udp(relay.address()), withTheTestSecret[0],
                         withTheTestSecret[1])) {
                ok.allocateOk();
                assertThat(TurnClient.errorCode(wrong.allocate())).isEqualTo(401);
            }
        }
        String secret = Files.readString(dir.resolve("data").resolve("turn-secret"), UTF_8);
        try (TestRelay again = TestRelay.start(dir, Map.of("DOORSTEP_AUTH_REST_SECRET", ""))) {
            assertThat(again.app().turnAddress()).isNotNull();
            assertThat(Files.readString(dir.resolve("data").resolve("turn-secret"), UTF_8)).as("kept across restarts")
                    .isEqualTo(secret);
        }
    }

    @Test
    void anExternalAddressThatIsNotAnAddressIsNamed() {
        Map<String, String> env = TestRelay.environment(dir, Map.of("DOORSTEP_TURN_EXTERNAL_ADDRESS", "[::zz]"));
        assertThatThrownBy(() -> new RelayApp(RelayConfig.load(null, env)).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("turn.external-address");
    }

    /** A relay that cannot be built must not leave its event loops (epoll and event file descriptors) behind. */
    @Test
    void aRelayThatCannotBeBuiltLeavesNoFileDescriptorsOpen() throws IOException {
        Map<String, String> env = TestRelay.environment(dir, Map.of("DOORSTEP_TURN_EXTERNAL_ADDRESS", "[::zz]"));
        RelayConfig config = RelayConfig.load(null, env);
        long before = openFileDescriptors();
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> new RelayApp(config)).isInstanceOf(ConfigException.class);
        }
        assertThat(openFileDescriptors() - before).as("descriptors left open by 20 failed constructions")
                .isLessThan(10);
    }

    private static long openFileDescriptors() throws IOException {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void withoutAnExternalAddressTheFirstNonLoopbackIpv4AddressIsAnnounced() throws Exception {
        InetAddress chosen = RelayApp.externalAddress("");
        assertThat(chosen).isInstanceOf(Inet4Address.class);
        boolean hostHasOne = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(n -> {
                    try {
                        return n.isUp() && !n.isLoopback();
                    } catch (IOException e) {
                        return false;
                    }
                })
                .flatMap(n -> Collections.list(n.getInetAddresses()).stream())
                .anyMatch(a -> a instanceof Inet4Address);
        assertThat(chosen.isLoopbackAddress()).isEqualTo(!hostHasOne);
    }

    @Test
    void aTlsCertificateThatCannotBeReadStopsTheStartNamingTurnTls() throws IOException {
        Map<String, String> env = TestRelay.environment(dir, Map.of( // UDP/TCP on port 0: any port free for both
                "DOORSTEP_TURN_TLS_PORT", String.valueOf(Ports.freeTcpPort()), // never bound: the certificate fails first
                "DOORSTEP_TURN_TLS_CERT", dir.resolve("missing.crt").toString(),
                "DOORSTEP_TURN_TLS_KEY", dir.resolve("missing.key").toString()));
        RelayApp app = new RelayApp(RelayConfig.load(null, env));
        try {
            assertThatThrownBy(app::start).isInstanceOf(ConfigException.class).hasMessageStartingWith("turn.tls");
        } finally {
            app.close();
        }
    }

    /** A fixed port is used as given (no other is tried), and a failed start leaves nothing bound. */
    @Test
    void aTurnPortTakenForTcpStopsTheStartAndReleasesItsUdpSockets() throws Exception {
        int port = Ports.freeUdpAndTcpPort();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(TestRelay.LOOPBACK, port));
            RelayApp app = new RelayApp(RelayConfig.load(null,
                    TestRelay.environment(dir, Map.of("DOORSTEP_TURN_PORT", String.valueOf(port)))));
            try {
                assertThatThrownBy(app::start).as("start with TCP %d taken", port)
                        .satisfies(e -> assertThat(TurnServer.addressInUse(e)).as("%s", e).isTrue());
                assertThat(Ports.udpFree(port)).as("UDP sockets of the failed start closed").isTrue();
            } finally {
                app.close();
            }
        }
    }

    /** Whatever a relay registered (JVM metrics binders, listeners) goes when it closes, so nothing holds it. */
    @Test
    void aClosedRelayLeavesNothingBehind() throws InterruptedException {
        java.lang.ref.WeakReference<Object> registry;
        try (TestRelay relay = TestRelay.start(dir, Map.of())) {
            registry = new java.lang.ref.WeakReference<>(relay.app().registry());
        }
        for (int i = 0; i < 20 && registry.get() != null; i++) {
            System.gc();
            Thread.sleep(25);
        }
        assertThat(registry.get()).as("the closed relay's meter registry is still reachable").isNull();
    }

    // ------------------------------------------------------------------------------------------ the process

    @Test
    void theProcessServesAndStopsCleanlyOnSigterm() throws Exception {
        int port = Ports.freeUdpAndTcpPort();
        Process p = relayProcess(Map.of("DOORSTEP_TURN_PORT", String.valueOf(port)), "--config", staticUsers().toString());
        for (int attempt = 1; attempt < 5 && exitsWithPortTaken(p); attempt++) { // another test took it meanwhile
            port = Ports.freeUdpAndTcpPort();
            p = relayProcess(Map.of("DOORSTEP_TURN_PORT", String.valueOf(port)), "--config", staticUsers().toString());
        }
        try (StunClient c = StunClient.udp(new InetSocketAddress(TestRelay.LOOPBACK, port))) {
            StunClient.Frame answer = null;
            long deadline = System.nanoTime() + PROCESS_LIMIT.toNanos();
            while (answer == null && p.isAlive() && System.nanoTime() < deadline) { // until the JVM is up
                c.sendRaw(StunClient.encode(StunMessage.request(StunMethod.BINDING), null, false));
                answer = c.receive(Duration.ofMillis(100));
            }
            assertThat(answer).as("Binding answered; output:%n%s", output(p)).isNotNull();
            assertThat(answer.stun().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(answer.stun().first(StunAttribute.XorMappedAddress.class).orElseThrow().address())
                    .isEqualTo(c.localAddress());

            p.destroy(); // SIGTERM: the shutdown hook closes the relay

            assertThat(p.waitFor(PROCESS_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("stopped").isTrue();
            assertThat(p.exitValue()).as("killed by SIGTERM after the hook ran").isEqualTo(128 + 15);
            assertThat(output(p)).doesNotContain("Exception");
            assertThat(Ports.udpFree(port)).as("the port is free again").isTrue();
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anInvalidConfigurationExitsWith2NamingTheKey() throws Exception {
        Process p = relayProcess(Map.of("DOORSTEP_POLICY_ALLOW", "not-a-cidr"));
        try {
            assertThat(p.waitFor(PROCESS_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(output(p)).contains("invalid configuration: policy.allow");
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * A relay that cannot start must exit, not linger half started: a supervisor (systemd, Kubernetes) then sees
     * the failure and the message. Here the TLS certificate cannot be read, which {@code RelayApp.start()} finds
     * after UDP and TCP are already bound.
     */
    @Test
    void aRelayThatCannotStartExits() throws Exception {
        Process p = relayProcess(Map.of( // UDP/TCP on port 0: any port free for both
                "DOORSTEP_TURN_TLS_PORT", String.valueOf(Ports.freeTcpPort()), // never bound: the certificate fails first
                "DOORSTEP_TURN_TLS_CERT", dir.resolve("missing.crt").toString(),
                "DOORSTEP_TURN_TLS_KEY", dir.resolve("missing.key").toString()));
        try {
            assertThat(p.waitFor(PROCESS_LIMIT.toSeconds(), TimeUnit.SECONDS)).as("exited; output:%n%s",
                    p.isAlive() ? "(still running)" : output(p)).isTrue();
            assertThat(p.exitValue()).isNotZero();
            assertThat(output(p)).contains("turn.tls");
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private Path staticUsers() throws IOException {
        Path f = dir.resolve("users.yaml");
        Files.writeString(f, "auth:\n  static-users:\n    alice: alice-pw\n");
        return f;
    }

    /** {@code java io.doorstep.relay.Main args} on this test's class path, with the test relay's settings. */
    private Process relayProcess(Map<String, String> overrides, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.doorstep.relay.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("relay-" + System.nanoTime() + ".log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("DOORSTEP_"));
        pb.environment().putAll(TestRelay.environment(dir, overrides));
        pb.environment().put("DOORSTEP_TEST_LOG_LEVEL", "INFO");
        Process p = pb.start();
        logs.put(p, pb.redirectOutput().file().toPath());
        return p;
    }

    private final Map<Process, Path> logs = new java.util.HashMap<>();

    /** Waits until {@code p} says it listens, or exits; true when it exited because its port was taken. */
    private boolean exitsWithPortTaken(Process p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PROCESS_LIMIT.toNanos();
        while (p.isAlive() && !output(p).contains("relay listening") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return !p.isAlive() && output(p).contains("Address already in use");
    }

    private String output(Process p) throws IOException {
        return Files.readString(logs.get(p), StandardCharsets.UTF_8);
    }
}
