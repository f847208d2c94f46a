package io.doorstep.relay.policy;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which peer addresses the relay may send to (permissions, channel bindings, Send indications). By default it
 * refuses every address that is not a public unicast host: loopback, private, shared (CGNAT), link-local,
 * multicast, broadcast, unspecified and reserved networks, and the relay's own addresses. IPv6 forms that carry an
 * IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the IPv4 address inside them. Without
 * this, a TURN server is an open door into the network it sits in (coturn CVE-2020-26262).
 *
 * <p>Order of decision: an explicit deny wins; then an explicit allow; then the default refusals.
 */
public final class PeerAddressPolicy {
    /** Networks refused by default, with why, for logs and docs. */
    public static final List<Cidr> DEFAULT_DENIED = List.of(
            Cidr.parse("0.0.0.0/8"),          // unspecified / "this network"
            Cidr.parse("10.0.0.0/8"),         // private (RFC 1918)
            Cidr.parse("100.64.0.0/10"),      // shared address space, carrier-grade NAT (RFC 6598)
            Cidr.parse("127.0.0.0/8"),        // loopback
            Cidr.parse("169.254.0.0/16"),     // link-local
            Cidr.parse("172.16.0.0/12"),      // private
            Cidr.parse("192.0.0.0/24"),       // IETF protocol assignments
            Cidr.parse("192.168.0.0/16"),     // private
            Cidr.parse("198.18.0.0/15"),      // benchmarking
            Cidr.parse("224.0.0.0/4"),        // multicast
            Cidr.parse("240.0.0.0/4"),        // reserved, and 255.255.255.255 broadcast
            Cidr.parse("::/128"),             // unspecified
            Cidr.parse("::1/128"),            // loopback
            Cidr.parse("fc00::/7"),           // unique local
            Cidr.parse("fe80::/10"),          // link-local
            Cidr.parse("ff00::/8"));          // multicast

    /** ::ffff:0:0/96, built from bytes because Java turns an IPv4-mapped literal into an IPv4 address. */
    private static final Cidr MAPPED = new Cidr(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 0, 0, 0, 0}, 96);
    private static final Cidr COMPATIBLE = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final List<Cidr> allowed;
    private final List<Cidr> denied;
    private final Set<String> ownAddresses;
    private final int relayPortMin;
    private final int relayPortMax;

    /**
     * @param allowed      networks allowed even if refused by default (test set-ups, special networks)
     * @param denied       networks always refused
     * @param ownAddresses the relay's own addresses (bind and announced), always refused unless allowed
     */
    public PeerAddressPolicy(List<Cidr> allowed, List<Cidr> denied, List<InetAddress> ownAddresses) {
        this(allowed, denied, ownAddresses, 0, -1);
    }

    /**
     * @param relayPortMin first port of the relay's own relayed range: another client's relayed address on this
     *                     relay (own address, port in range) is a legitimate peer, so two parties who can both
     *                     only relay can reach each other through one relay; the relay's other ports stay refused
     */
    public PeerAddressPolicy(List<Cidr> allowed, List<Cidr> denied, List<InetAddress> ownAddresses, int relayPortMin,
                             int relayPortMax) {
        this.relayPortMin = relayPortMin;
        this.relayPortMax = relayPortMax;
        this.allowed = List.copyOf(allowed);
        this.denied = List.copyOf(denied);
        this.ownAddresses = ownAddresses.stream().map(a -> Arrays.toString(a.getAddress()))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether the relay may send to {@code peer}: its address, and its port when the address is the relay's own. */
    public boolean permits(java.net.InetSocketAddress peer) {
        InetAddress ip = peer.getAddress();
        if (isOwn(ip.getAddress()) && !explicitlyDecided(ip.getAddress())) {
            return peer.getPort() >= relayPortMin && peer.getPort() <= relayPortMax;
        }
        return permits(ip);
    }

    private boolean isOwn(byte[] address) {
        byte[] embedded = embeddedIpv4(address);
        return ownAddresses.contains(Arrays.toString(address))
                || (embedded != null && ownAddresses.contains(Arrays.toString(embedded)));
    }

    private boolean explicitlyDecided(byte[] address) {
        byte[] embedded = embeddedIpv4(address);
        return matches(denied, address) || matches(allowed, address)
                || (embedded != null && (matches(denied, embedded) || matches(allowed, embedded)));
    }

    /** Whether the relay may send to {@code peer}, judged by address alone (the relay's own address: never). */
    public boolean permits(InetAddress peer) {
        byte[] address = peer.getAddress();
        byte[] embedded = embeddedIpv4(address);
        if (matches(denied, address) || (embedded != null && matches(denied, embedded))) {
            return false;
        }
        if (matches(allowed, address) || (embedded != null && matches(allowed, embedded))) {
            return true;
        }
        if (ownAddresses.contains(Arrays.toString(address))
                || (embedded != null && ownAddresses.contains(Arrays.toString(embedded)))) {
            return false;
        }
        if (embedded != null && (matches(DEFAULT_DENIED, embedded) || isZero(embedded))) {
            return false;
        }
        return !matches(DEFAULT_DENIED, address);
    }

    /** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or null. */
    static byte[] embeddedIpv4(byte[] address) {
        if (address.length != 16) {
            return null;
        }
        if (MAPPED.contains(address) || NAT64.contains(address)
                || (COMPATIBLE.contains(address) && !isZero(Arrays.copyOfRange(address, 0, 16)))) {
            return Arrays.copyOfRange(address, 12, 16);
        }
        if (SIX_TO_FOUR.contains(address)) {
            return Arrays.copyOfRange(address, 2, 6);
        }
        return null;
    }

    private static boolean matches(List<Cidr> networks, byte[] address) {
        for (Cidr c : networks) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
