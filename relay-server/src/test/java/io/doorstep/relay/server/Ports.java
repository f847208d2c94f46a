package io.doorstep.relay.server;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Free loopback ports for settings that must name one (a 0 there means "off" rather than "any"). */
public final class Ports {
    private Ports() {
    }

    public static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(TestRelay.LOOPBACK, 0));
            return s.getLocalPort();
        }
    }

    /** An even port {@code p} such that {@code p} and {@code p + 1} are both free for UDP on loopback. */
    public static int freeUdpPortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(TestRelay.LOOPBACK, 0))) {
                p = probe.getLocalPort() & ~1;
            }
            if (p >= 1024 && p < 65535 && udpFree(p) && udpFree(p + 1)) {
                return p;
            }
        }
        throw new IllegalStateException("no two consecutive free UDP ports found in 50 attempts");
    }

    /** A port free for both TCP and UDP on loopback, for a relay that must listen on a known port. */
    public static int freeUdpAndTcpPort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p = freeTcpPort();
            if (udpFree(p)) {
                return p;
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP found in 50 attempts");
    }

    public static boolean udpFree(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(TestRelay.LOOPBACK, port))) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
