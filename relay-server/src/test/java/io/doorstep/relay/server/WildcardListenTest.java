package io.doorstep.relay.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay listening on the wildcard address (the default) answers UDP from the address each request was sent to.
 * One wildcard-bound socket would answer from the address the kernel routes the client from: on a host with an
 * interface besides loopback, a client bound to that interface's address that sends to 127.0.0.1 is answered from
 * the interface's address, and drops the answer (Chromium does exactly this). Everything stays on this host: the
 * request goes to 127.0.0.1, the answer to one of the host's own addresses.
 */
class WildcardListenTest {
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;
    private static final int MAGIC_COOKIE = 0x2112A442;

    @TempDir
    Path dir;

    @Test
    void anAnswerLeavesFromTheAddressTheRequestCameTo() throws Exception {
        Optional<InetAddress> own = hostAddress();
        assumeTrue(own.isPresent(), "this host has no IPv4 address besides loopback");
        try (TestRelay relay = TestRelay.start(dir, Map.of("DOORSTEP_TURN_LISTEN_ADDRESS", "0.0.0.0"));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(own.get(), 0))) {
            client.setSoTimeout(5_000);
            byte[] request = bindingRequest();
            client.send(new DatagramPacket(request, request.length, relay.address()));

            DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
            client.receive(answer);

            assertThat(answer.getAddress()).as("the answer's source").isEqualTo(relay.address().getAddress());
            assertThat(answer.getPort()).isEqualTo(relay.address().getPort());
            ByteBuffer header = ByteBuffer.wrap(answer.getData(), 0, answer.getLength());
            assertThat(header.getShort(0) & 0xffff).as("a Binding success").isEqualTo(BINDING_SUCCESS);
            assertThat(ByteBuffer.wrap(answer.getData(), 8, 12)).as("the request's transaction id")
                    .isEqualTo(ByteBuffer.wrap(request, 8, 12));
        }
    }

    /** An IPv4 address of an interface that is up and not loopback. */
    private static Optional<InetAddress> hostAddress() throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && !nif.isLoopback()) {
                Optional<InetAddress> v4 = Collections.list(nif.getInetAddresses()).stream()
                        .filter(a -> a instanceof Inet4Address).findFirst();
                if (v4.isPresent()) {
                    return v4;
                }
            }
        }
        return Optional.empty();
    }

    private static byte[] bindingRequest() {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) BINDING_REQUEST).putShort((short) 0).putInt(MAGIC_COOKIE);
        byte[] id = new byte[12];
        ThreadLocalRandom.current().nextBytes(id);
        return b.put(id).array();
    }
}
