package io.doorstep.relay.transport;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The addresses the UDP sockets bind to. A UDP socket bound to the wildcard address answers from whichever address
 * the kernel's route to the client prefers, which on a host with several addresses need not be the one the client
 * sent to, and a TURN client (or a NAT on its way) drops an answer from an address it never addressed. Netty cannot
 * set a datagram's source address (no IP_PKTINFO on send), so, as coturn does, a wildcard listen address stands for
 * every address of the host's interfaces that are up, each with sockets of its own, and every answer leaves from the
 * address its request came to. TCP and TLS need none of this: a connection keeps the address it was opened to.
 */
final class ListenAddresses {
    private ListenAddresses() {
    }

    /**
     * {@code host} itself, or for a wildcard address the interfaces' addresses: IPv4 ones for {@code 0.0.0.0}, IPv4
     * and IPv6 ones for {@code ::} (which takes both on a dual-stack host), leaving out IPv6 link-local addresses,
     * which clients cannot reach without a scope. The wildcard itself when no interface has an address.
     */
    static List<InetAddress> udp(String host) {
        try {
            InetAddress configured = InetAddress.getByName(host);
            if (!configured.isAnyLocalAddress()) {
                return List.of(configured);
            }
            boolean withIpv6 = !(configured instanceof Inet4Address);
            List<InetAddress> addresses = new ArrayList<>();
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp()) {
                    Collections.list(nif.getInetAddresses()).stream()
                            .filter(a -> a instanceof Inet4Address || withIpv6 && !a.isLinkLocalAddress())
                            .forEach(addresses::add);
                }
            }
            return addresses.isEmpty() ? List.of(configured) : List.copyOf(addresses);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("turn.listen-address: not an address: " + host, e);
        } catch (SocketException e) {
            throw new UncheckedIOException("listing the host's network interfaces failed", e);
        }
    }
}
