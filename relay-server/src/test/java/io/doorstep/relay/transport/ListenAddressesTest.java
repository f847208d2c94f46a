package io.doorstep.relay.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ListenAddressesTest {
    @Test
    void aConfiguredAddressIsTheOnlyOne() throws Exception {
        assertThat(ListenAddresses.udp("127.0.0.1")).containsExactly(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void theIpv4WildcardStandsForEveryIpv4AddressOfTheHost() throws Exception {
        assertThat(ListenAddresses.udp("0.0.0.0"))
                .contains(InetAddress.getByName("127.0.0.1"))
                .allMatch(a -> a instanceof Inet4Address && !a.isAnyLocalAddress());
    }

    @Test
    void theIpv6WildcardTakesBothFamiliesButNoLinkLocalAddress() throws Exception {
        assertThat(ListenAddresses.udp("::"))
                .contains(InetAddress.getByName("127.0.0.1"))
                .noneMatch(InetAddress::isLinkLocalAddress)
                .noneMatch(InetAddress::isAnyLocalAddress);
    }
}
