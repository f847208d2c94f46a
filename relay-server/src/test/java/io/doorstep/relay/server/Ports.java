package io.doorstep.relay.server;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for settings that must name one (a 0 there means "off" rather than "any"; where 0 means any,
 * pass 0 and read the bound port back instead).
 *
 * <p>A port found free is free only until someone else binds it, so the ports come from below the kernel's ephemeral
 * range ({@code net.ipv4.ip_local_port_range}, 32768-60999 by default): every socket bound to port 0 and every
 * outgoing connection on the machine (other tests, the browser, coturn's clients, the build) takes its port from
 * that range, so none of them can take one of these between the probe and the bind. Only a socket that names the
 * same port itself can, which is why the tests that start something on such a port retry with another on "address
 * in use" (TestRelay#start).
 */
public final class Ports {
    /** The lowest port handed out: above the well-known and most registered service ports of a dev machine. */
    static final int LOWEST = 20000;
    private static final int ATTEMPTS = 100;
    private static final int[] EPHEMERAL = ephemeralRange();

    private Ports() {
    }

    /** A port free for TCP on loopback. */
    public static int freeTcpPort() throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int p = candidate();
            if (tcpFree(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no free TCP port found in " + ATTEMPTS + " attempts");
    }

    /** An even port {@code p} such that {@code p} and {@code p + 1} are both free for UDP on loopback. */
    public static int freeUdpPortPair() throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int p = candidate() & ~1;
            if (p >= LOWEST && udpFree(p) && udpFree(p + 1)) {
                return p;
            }
        }
        throw new IllegalStateException("no two consecutive free UDP ports found in " + ATTEMPTS + " attempts");
    }

    /** A port free for both TCP and UDP on loopback, for a relay that must listen on a known port. */
    public static int freeUdpAndTcpPort() throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int p = candidate();
            if (tcpFree(p) && udpFree(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP found in " + ATTEMPTS + " attempts");
    }

    public static boolean udpFree(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(TestRelay.LOOPBACK, port))) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean tcpFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // a port whose last connection is in TIME_WAIT binds fine for a listener
            s.bind(new InetSocketAddress(TestRelay.LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether {@code port} is one the kernel may hand out on its own (and so no good as a test's fixed port). */
    static boolean ephemeral(int port) {
        return port >= EPHEMERAL[0] && port <= EPHEMERAL[1];
    }

    /** A random port below the ephemeral range, or above it when too little room is left below. */
    private static int candidate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (EPHEMERAL[0] - LOWEST >= 1000) {
            return random.nextInt(LOWEST, EPHEMERAL[0]);
        }
        if (65535 - EPHEMERAL[1] >= 1000) {
            return random.nextInt(EPHEMERAL[1] + 1, 65535);
        }
        return random.nextInt(LOWEST, 65535); // the whole range is ephemeral: probing is all that is left
    }

    private static int[] ephemeralRange() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"),
                    StandardCharsets.US_ASCII).trim().split("\\s+");
            return new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32768, 60999}; // Linux's default; elsewhere the probe still holds
        }
    }
}
