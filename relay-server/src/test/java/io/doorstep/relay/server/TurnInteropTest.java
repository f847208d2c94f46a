package io.doorstep.relay.server;

import static io.doorstep.relay.server.TestRelay.ALICE;
import static io.doorstep.relay.server.TestRelay.ALICE_PASSWORD;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Interoperability with coturn's test clients (Debian package {@code coturn}): {@code turnutils_peer} echoes every
 * datagram, and {@code turnutils_uclient} allocates on our relay, reaches the peer (or its other clients) through it
 * and counts what comes back. Each run gets its own relay and peer on free ports. A uclient run takes 2-7 s whatever
 * it sends (it starts each client at a random moment within 1-6 s), so the runs go in parallel; nothing is shared.
 */
@ExtendWith(LeakCheck.class)
@Execution(ExecutionMode.CONCURRENT)
class TurnInteropTest {
    private static final Duration RUN_LIMIT = Duration.ofSeconds(45);
    private static final int MESSAGES = 100;
    private static final Pattern TOTALS = Pattern.compile("start_mclient: tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");
    private static final Pattern RELAYED = Pattern.compile("Received relay addr: [0-9.]+:(\\d+)");
    private static final Pattern RESERVATION = Pattern.compile("clnet_allocate: rtv=(\\d+)");

    @TempDir
    static Path dir;

    private static Path uclient;
    private static Path peer;

    @BeforeAll
    static void coturnIsInstalled() {
        uclient = tool("turnutils_uclient");
        peer = tool("turnutils_peer");
        assertThat(uclient != null && peer != null)
                .as("coturn's turnutils_uclient and turnutils_peer must be on the PATH (Debian/Ubuntu: apt-get install"
                        + " coturn); the project's test command installs them")
                .isTrue();
    }

    /** The uclient modes; every one must deliver every packet. */
    enum Mode {
        UDP("channels, UDP, RTP+RTCP pairs (EVEN-PORT with a reservation)"),
        TCP("over TCP", "-t"),
        SEND_INDICATIONS("Send and Data indications instead of channels", "-s"),
        CLIENT_TO_CLIENT("clients reach each other's relayed addresses", "-y"),
        NO_RTCP("no RTCP allocation, so no EVEN-PORT", "-c"),
        TCP_SEND_INDICATIONS("indications over TCP", "-t", "-s"),
        TCP_CLIENT_TO_CLIENT("client to client over TCP", "-t", "-y"),
        CLIENT_TO_CLIENT_SEND_INDICATIONS("client to client with indications", "-y", "-s");

        final String what;
        final List<String> flags;

        Mode(String what, String... flags) {
            this.what = what;
            this.flags = List.of(flags);
        }

        @Override
        public String toString() {
            return name() + " " + flags + ": " + what;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void everyPacketComesBack(Mode mode) throws Exception {
        Path work = Files.createTempDirectory(dir, mode.name());
        try (TestRelay relay = TestRelay.start(work, Map.of()); EchoPeer echo = EchoPeer.start(work)) {
            Run run = uclient(work, relay.address().getPort(), echo.port, ALICE, ALICE_PASSWORD, mode.flags);

            run.assertCleanSuccess();
            int sent = run.sent();
            assertThat(relay.counter("doorstep.relay.packets", "direction", "to_peer")).as("relayed to peers")
                    .isEqualTo(sent);
            assertThat(relay.counter("doorstep.relay.packets", "direction", "to_client")).as("relayed to clients")
                    .isEqualTo(sent);
            double indications = relay.counter("doorstep.relay.packets.by.framing", "framing", "indication");
            double channelData = relay.counter("doorstep.relay.packets.by.framing", "framing", "channel_data");
            if (mode.flags.contains("-s")) {
                assertThat(indications).as("Send and Data indications, both ways").isEqualTo(2.0 * sent);
                assertThat(channelData).isZero();
            } else {
                assertThat(channelData).as("ChannelData, both ways").isEqualTo(2.0 * sent);
                assertThat(indications).isZero();
            }
            List<Integer> relayed = run.relayedPorts();
            if (mode.flags.contains("-c")) {
                assertThat(run.reservationTokens()).as("no EVEN-PORT reservation without RTCP").containsOnly(0L);
            } else {
                assertThat(run.reservationTokens()).as("RTP allocations reserve the RTCP port").contains(0L)
                        .anyMatch(t -> t != 0);
                assertThat(relayed).as("an RTP/RTCP pair of relayed ports")
                        .anySatisfy(p -> assertThat(p % 2 == 0 && relayed.contains(p + 1)).isTrue());
            }
            assertThat(relay.counter("doorstep.relay.allocations.opened")).isEqualTo(relayed.size());
        }
    }

    /**
     * Over TLS uclient 4.6.1 takes each SSL_read as exactly one message (uclient.c, recv_buffer, "TLS" branch), though
     * TLS is a byte stream and RFC 8656 §12.5 frames messages by their own length. The relay therefore writes one TLS
     * record per message, as coturn's own server does (TurnServer#oneRecordPerMessage); with Netty's default of
     * packing everything queued before a flush into one record, 30 of 200 packets were lost (records of 352, 528 and
     * 1408 bytes = 2, 3 and 8 ChannelData of 176).
     */
    @Test
    void everyPacketComesBackOverTls() throws Exception {
        Path work = Files.createTempDirectory(dir, "TLS");
        try (TestRelay relay = TestRelay.start(work, Map.of("DOORSTEP_TURN_TLS_PORT",
                TestRelay.FREE_TCP_PORT, "DOORSTEP_TURN_TLS_CERT", resource("/tls/relay-test.crt"),
                "DOORSTEP_TURN_TLS_KEY", resource("/tls/relay-test.key")));
             EchoPeer echo = EchoPeer.start(work)) {
            Run run = uclient(work, relay.tlsAddress().getPort(), echo.port, ALICE, ALICE_PASSWORD,
                    List.of("-t", "-S"));

            // uclient first offers TLS versions the relay refuses; those handshakes fail and are retried
            run.assertCleanSuccess(Pattern.compile("tlsv1 alert protocol version|tls_connect: cannot connect"));
            assertThat(relay.counter("doorstep.relay.packets", "direction", "to_peer")).isEqualTo(run.sent());
        }
    }

    @Test
    void turnRestApiCredentialsAreAccepted() throws Exception {
        Path work = Files.createTempDirectory(dir, "REST");
        String[] credentials = TestRelay.restCredentials(System.currentTimeMillis() / 1000 + 600, "test");
        try (TestRelay relay = TestRelay.start(work, Map.of()); EchoPeer echo = EchoPeer.start(work)) {
            Run run = uclient(work, relay.address().getPort(), echo.port, credentials[0], credentials[1], List.of());

            run.assertCleanSuccess();
            assertThat(relay.counter("doorstep.relay.allocations.opened")).isPositive();
        }
    }

    @Test
    void anExpiredTurnRestApiUsernameIsRefused() throws Exception {
        Path work = Files.createTempDirectory(dir, "EXPIRED");
        String[] credentials = TestRelay.restCredentials(System.currentTimeMillis() / 1000 - 60, "test");
        try (TestRelay relay = TestRelay.start(work, Map.of()); EchoPeer echo = EchoPeer.start(work)) {
            Run run = uclient(work, relay.address().getPort(), echo.port, credentials[0], credentials[1], List.of());

            assertThat(run.exitCode).as("uclient exit code; output:%n%s", run.output).isNotZero();
            assertThat(run.output).doesNotContain("Total lost packets");
            assertThat(relay.counter("doorstep.relay.auth.failures", "reason", "expired_user")).isPositive();
            assertThat(relay.counter("doorstep.relay.allocations.opened")).isZero();
        }
    }

    // ----------------------------------------------------------------------------------------------- processes

    private static Path tool(String name) {
        List<String> dirs = new ArrayList<>(Arrays.asList(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/local/bin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable)
                .findFirst().orElse(null);
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(TurnInteropTest.class.getResource(name).toURI()).toString();
    }

    /** One finished turnutils_uclient run. */
    private record Run(int exitCode, String output) {
        void assertCleanSuccess() {
            assertCleanSuccess(Pattern.compile("(?!)"));
        }

        void assertCleanSuccess(Pattern tolerated) {
            assertThat(exitCode).as("uclient exit code; output:%n%s", output).isZero();
            assertThat(output).as("uclient output").contains("Total lost packets 0 ");
            assertThat(output.lines().filter(l -> l.toLowerCase().contains("error") && !tolerated.matcher(l).find()))
                    .as("error lines in the uclient output:%n%s", output).isEmpty();
            assertThat(sent()).as("messages sent").isPositive().isEqualTo(received());
        }

        int sent() {
            return totals(1);
        }

        int received() {
            return totals(2);
        }

        private int totals(int group) {
            Matcher m = TOTALS.matcher(output);
            int last = -1;
            while (m.find()) {
                last = Integer.parseInt(m.group(group));
            }
            return last;
        }

        List<Integer> relayedPorts() {
            List<Integer> ports = new ArrayList<>();
            Matcher m = RELAYED.matcher(output);
            while (m.find()) {
                ports.add(Integer.parseInt(m.group(1)));
            }
            return ports;
        }

        TreeSet<Long> reservationTokens() {
            TreeSet<Long> tokens = new TreeSet<>();
            Matcher m = RESERVATION.matcher(output);
            while (m.find()) {
                tokens.add(Long.parseUnsignedLong(m.group(1)));
            }
            return tokens;
        }
    }

    private static Run uclient(Path work, int relayPort, int peerPort, String user, String password, List<String> flags)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(uclient.toString(), "-v"));
        command.addAll(flags);
        command.addAll(List.of("-u", user, "-w", password, "-p", String.valueOf(relayPort),
                "-e", "127.0.0.1", "-r", String.valueOf(peerPort),
                "-n", String.valueOf(MESSAGES), "-m", "2", "-l", "170", "-z", "5", "127.0.0.1"));
        Path log = Files.createTempFile(work, "uclient", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("turnutils_uclient still running after " + RUN_LIMIT + ": " + command
                        + "\n" + Files.readString(log, UTF_8));
            }
            return new Run(p.exitValue(), Files.readString(log, UTF_8));
        } finally {
            stop(p);
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        }
    }

    /** turnutils_peer on loopback: echoes every datagram on {@code port} and {@code port + 1}. */
    private static final class EchoPeer implements AutoCloseable {
        private static final int START_ATTEMPTS = 5;

        final int port;
        final Process process;
        final Path log;

        private EchoPeer(int port, Process process, Path log) {
            this.port = port;
            this.process = process;
            this.log = log;
        }

        /** Starts a peer on a free pair of ports, on another pair when one was taken before the peer bound it. */
        static EchoPeer start(Path work) throws IOException, InterruptedException {
            for (int attempt = 1; ; attempt++) {
                int port = Ports.freeUdpPortPair();
                Path log = Files.createTempFile(work, "peer", ".log");
                Process p = new ProcessBuilder(peer.toString(), "-L", "127.0.0.1", "-p", String.valueOf(port))
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                EchoPeer echo = new EchoPeer(port, p, log);
                try {
                    if (echo.awaitEcho()) {
                        return echo;
                    }
                } catch (IOException | RuntimeException | Error e) {
                    echo.close();
                    throw e;
                }
                echo.close();
                if (attempt == START_ATTEMPTS) {
                    throw new AssertionError("turnutils_peer found its ports taken " + attempt + " times; last log:\n"
                            + Files.readString(log, UTF_8));
                }
            }
        }

        /**
         * Pings until the peer answers: it is up once it echoes. False when it cannot bind its port (it then keeps
         * retrying the bind, logging errno 98, rather than exit).
         */
        private boolean awaitEcho() throws IOException {
            byte[] ping = "ping".getBytes(UTF_8);
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(TestRelay.LOOPBACK, 0))) {
                s.setSoTimeout(100);
                for (int attempt = 0; attempt < 50 && process.isAlive(); attempt++) {
                    s.send(new DatagramPacket(ping, ping.length, new InetSocketAddress(TestRelay.LOOPBACK, port)));
                    try {
                        s.receive(new DatagramPacket(new byte[16], 16));
                        return !portTaken(); // else whatever holds the port echoed
                    } catch (SocketTimeoutException e) {
                        if (portTaken()) {
                            return false;
                        }
                    }
                }
            }
            throw new AssertionError("turnutils_peer on port " + port + " did not echo within 5 s (alive: "
                    + process.isAlive() + "); log:\n" + Files.readString(log, UTF_8));
        }

        private boolean portTaken() throws IOException {
            return Files.readString(log, UTF_8).contains("Address already in use");
        }

        @Override
        public void close() {
            try {
                stop(process);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
