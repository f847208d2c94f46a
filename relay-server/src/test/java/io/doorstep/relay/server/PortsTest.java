package io.doorstep.relay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.RepeatedTest;

/** The ports tests pick are bindable and never ones the kernel hands out for port 0 or outgoing connections. */
class PortsTest {
    @RepeatedTest(20)
    void aFreeTcpPortBindsAndIsNotEphemeral() throws IOException {
        int p = Ports.freeTcpPort();

        assertThat(Ports.ephemeral(p)).as("%d in the ephemeral range", p).isFalse();
        assertThat(p).isGreaterThanOrEqualTo(Ports.LOWEST);
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(TestRelay.LOOPBACK, p));
        }
    }

    @RepeatedTest(20)
    void aFreeUdpAndTcpPortBindsBoth() throws IOException {
        int p = Ports.freeUdpAndTcpPort();

        assertThat(Ports.ephemeral(p)).as("%d in the ephemeral range", p).isFalse();
        try (ServerSocket tcp = new ServerSocket();
             DatagramSocket udp = new DatagramSocket(new InetSocketAddress(TestRelay.LOOPBACK, p))) {
            tcp.bind(new InetSocketAddress(TestRelay.LOOPBACK, p));
            assertThat(udp.getLocalPort()).isEqualTo(p);
        }
    }

    @RepeatedTest(20)
    void aFreeUdpPortPairIsEvenAndBindsBoth() throws IOException {
        int p = Ports.freeUdpPortPair();

        assertThat(p % 2).isZero();
        assertThat(Ports.ephemeral(p) || Ports.ephemeral(p + 1)).isFalse();
        try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(TestRelay.LOOPBACK, p));
             DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress(TestRelay.LOOPBACK, p + 1))) {
            assertThat(rtcp.getLocalPort()).isEqualTo(rtp.getLocalPort() + 1);
        }
    }

    @RepeatedTest(5)
    void aPortHeldForTcpIsNotFree() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(TestRelay.LOOPBACK, 0));
            assertThat(Ports.tcpFree(s.getLocalPort())).isFalse();
        }
    }
}
