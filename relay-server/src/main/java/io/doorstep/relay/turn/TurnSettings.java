package io.doorstep.relay.turn;

import java.net.InetAddress;
import java.time.Duration;

/**
 * What the TURN logic needs to know of the configuration.
 *
 * @param realm            REALM of the long-term credentials
 * @param software         SOFTWARE sent in responses (empty: none)
 * @param defaultLifetime  allocation lifetime when the client asks for less or nothing (RFC 8656: 10 minutes)
 * @param maxLifetime      the most a client may ask for
 * @param relayBind        the local address relay sockets bind to
 * @param externalAddress  the relayed address announced to clients (the public one when behind NAT)
 * @param bytesPerSecond   bandwidth per allocation and direction (0: unlimited)
 * @param relayBindV6      the local IPv6 address relay sockets of IPv6 allocations bind to (null: IPv6 off)
 * @param externalV6       the IPv6 relayed address announced (null: IPv6 off)
 */
public record TurnSettings(String realm, String software, Duration defaultLifetime, Duration maxLifetime,
                           InetAddress relayBind, InetAddress externalAddress, long bytesPerSecond,
                           InetAddress relayBindV6, InetAddress externalV6) {

    /** Whether IPv6 relayed addresses can be made (RFC 8656 §7.2: otherwise 440 Address Family not Supported). */
    public boolean ipv6() {
        return relayBindV6 != null;
    }

    /** The local address a relay socket binds to, by the allocation's family. */
    InetAddress relayBind(boolean ipv6) {
        return ipv6 ? relayBindV6 : relayBind;
    }

    /** The relayed address announced, by the allocation's family. */
    InetAddress external(boolean ipv6) {
        return ipv6 ? externalV6 : externalAddress;
    }

    /**
     * The largest datagram read whole, client or peer side: a jumbo frame. Sockets read into buffers of this size
     * so nothing that fits is cut short; anything larger than a TURN message can carry is not media anyway.
     */
    public static final int MAX_DATAGRAM = 9216;

    /** The lifetime to grant: at least the default, at most the maximum (RFC 8656 §7.2 step 9). */
    public long grantSeconds(Long requested) {
        long wanted = requested == null ? defaultLifetime.toSeconds() : requested;
        return Math.max(defaultLifetime.toSeconds(), Math.min(wanted, maxLifetime.toSeconds()));
    }
}
