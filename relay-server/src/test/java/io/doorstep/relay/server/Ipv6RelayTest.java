package io.doorstep.relay.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relay.stun.ErrorCodes;
import io.doorstep.relay.stun.StunAttribute;
import io.doorstep.relay.stun.StunClass;
import io.doorstep.relay.stun.StunMessage;
import io.doorstep.relay.stun.StunMethod;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6 relayed addresses (RFC 8656 §7.2 REQUESTED-ADDRESS-FAMILY) over ::1, with a client on IPv4: a relay with
 * an IPv6 relay address makes one when asked, relays both ways to an IPv6 peer, and answers 443 for a peer of the
 * other family. The policy allows ::1 here only because the test says so (loopback is refused by default).
 */
@ExtendWith(LeakCheck.class)
class Ipv6RelayTest {
    private static final InetAddress V6_LOOPBACK = loopbackV6();
    private static final StunAttribute IPV6 = new StunAttribute.RequestedAddressFamily(StunAttribute.FAMILY_IPV6);

    @TempDir
    Path dir;
    private TestRelay relay;
    private TurnClient client;
    private UdpPeer peer;

    @BeforeEach
    void start() throws IOException {
        relay = TestRelay.start(dir, Map.of("DOORSTEP_TURN_RELAY_ADDRESS_V6", "::1",
                "DOORSTEP_POLICY_ALLOW", "127.0.0.0/8,::1/128"));
        client = new TurnClient(StunClient.udp(relay.address()), TestRelay.ALICE, TestRelay.ALICE_PASSWORD);
        peer = new UdpPeer(V6_LOOPBACK);
    }

    @AfterEach
    void stop() throws IOException {
        peer.close();
        client.close();
        relay.close();
    }

    @Test
    void anIpv6AllocationRelaysBothWaysToAnIpv6Peer() throws IOException {
        InetSocketAddress relayed = client.allocateOk(IPV6);
        client.ok(client.channelBind(0x4001, peer.address()));

        client.io().sendChannelData(0x4001, "to the peer".getBytes(UTF_8));
        UdpPeer.Datagram atPeer = peer.receive(StunClient.WAIT);
        peer.send(relayed, "to the client".getBytes(UTF_8));
        StunClient.Frame atClient = client.io().receive(StunClient.WAIT);

        assertThat(relayed.getAddress()).isEqualTo(V6_LOOPBACK);
        assertThat(atPeer).isNotNull();
        assertThat(atPeer.sender()).as("sent from the relayed address").isEqualTo(relayed);
        assertThat(new String(atPeer.data(), UTF_8)).isEqualTo("to the peer");
        assertThat(atClient).isNotNull();
        assertThat(atClient.isChannelData()).isTrue();
        assertThat(new String(atClient.channelPayload(), UTF_8)).isEqualTo("to the client");
    }

    @Test
    void sendAndDataIndicationsCarryIpv6PeerAddresses() throws IOException {
        InetSocketAddress relayed = client.allocateOk(IPV6);
        client.createPermission(peer.address());

        client.sendIndication(peer.address(), "via Send".getBytes(UTF_8));
        UdpPeer.Datagram atPeer = peer.receive(StunClient.WAIT);
        peer.send(relayed, "via Data".getBytes(UTF_8));
        StunClient.Frame atClient = client.io().receive(StunClient.WAIT);

        assertThat(atPeer).isNotNull();
        assertThat(new String(atPeer.data(), UTF_8)).isEqualTo("via Send");
        assertThat(atClient).isNotNull();
        StunMessage data = atClient.stun();
        assertThat(data.messageClass()).isEqualTo(StunClass.INDICATION);
        assertThat(data.method()).isEqualTo(StunMethod.DATA);
        assertThat(data.first(StunAttribute.XorPeerAddress.class).orElseThrow().address()).isEqualTo(peer.address());
    }

    @Test
    void aPeerOfTheOtherFamilyIsRefusedWith443() throws IOException {
        client.allocateOk(IPV6);

        StunClient.Frame f = client.call(StunMethod.CREATE_PERMISSION,
                new StunAttribute.XorPeerAddress(new InetSocketAddress(TestRelay.LOOPBACK, 5000)));

        assertThat(TurnClient.errorCode(f)).isEqualTo(ErrorCodes.PEER_ADDRESS_FAMILY_MISMATCH);
    }

    @Test
    void withoutARequestedFamilyTheAllocationIsIpv4() throws IOException {
        assertThat(client.allocateOk().getAddress().getAddress()).hasSize(4);
    }

    private static InetAddress loopbackV6() {
        try {
            return Inet6Address.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
