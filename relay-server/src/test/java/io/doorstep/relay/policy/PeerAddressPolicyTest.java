package io.doorstep.relay.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PeerAddressPolicyTest {
    private final PeerAddressPolicy defaults = new PeerAddressPolicy(List.of(), List.of(),
            List.of(address("203.0.113.7")));

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "100.64.0.1", "100.127.255.255", "169.254.169.254", "224.0.0.1", "239.255.255.250",
            "255.255.255.255", "0.0.0.0", "0.1.2.3", "240.0.0.1", "198.18.0.1", "192.0.0.8",
            "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
            "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "::10.0.0.1",
            "64:ff9b::a00:1", "64:ff9b::7f00:1", "2002:7f00:1::1", "2002:c0a8:101::1",
            "203.0.113.7", "::ffff:203.0.113.7"})
    void refusesNonPublicAndOwnAddressesByDefault(String peer) {
        assertThat(defaults.permits(address(peer))).as(peer).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.15.255.255",
            "172.32.0.1", "192.169.0.1", "203.0.113.8", "2001:4860:4860::8888", "2400:3200::1",
            "::ffff:8.8.8.8", "64:ff9b::808:808"})
    void permitsPublicUnicast(String peer) {
        assertThat(defaults.permits(address(peer))).as(peer).isTrue();
    }

    @Test
    void explicitAllowOpensADefaultRefusedNetworkAndExplicitDenyWins() {
        PeerAddressPolicy lab = new PeerAddressPolicy(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.0.0.0/8")),
                List.of(Cidr.parse("10.9.0.0/16"), Cidr.parse("8.8.8.8")), List.of());
        assertThat(lab.permits(address("127.0.0.1"))).isTrue();
        assertThat(lab.permits(address("::ffff:127.0.0.1"))).isTrue();
        assertThat(lab.permits(address("10.1.1.1"))).isTrue();
        assertThat(lab.permits(address("10.9.1.1"))).isFalse();
        assertThat(lab.permits(address("8.8.8.8"))).isFalse();
        assertThat(lab.permits(address("::ffff:8.8.8.8"))).isFalse();
        assertThat(lab.permits(address("192.168.1.1"))).isFalse();
    }

    @Test
    void cidrParsingAndMatching() {
        assertThat(Cidr.parse("172.16.0.0/12").contains(address("172.20.1.1").getAddress())).isTrue();
        assertThat(Cidr.parse("172.16.0.0/12").contains(address("172.32.0.0").getAddress())).isFalse();
        assertThat(Cidr.parse("fc00::/7").contains(address("fdff::1").getAddress())).isTrue();
        assertThat(Cidr.parse("192.0.2.1").prefixLength()).isEqualTo(32);
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("not an IP network");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("prefix length");
    }
}
