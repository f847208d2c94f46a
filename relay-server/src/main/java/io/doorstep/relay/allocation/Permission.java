package io.doorstep.relay.allocation;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A permission for one peer IP address (RFC 8656 §9), refreshed in place. Keeps the address's bytes, so a Data
 * indication can be written and a Send indication's XOR-PEER-ADDRESS compared without copying them per packet,
 * and the last peer transport address a Send indication went to, so a client sending to one peer reuses it.
 */
public final class Permission {
    private final byte[] address;
    private long expiresAtNanos;
    private InetSocketAddress lastPeer;

    Permission(InetAddress ip, long expiresAtNanos) {
        this.address = ip.getAddress();
        this.expiresAtNanos = expiresAtNanos;
    }

    /** The IP address's bytes (4 or 16); not to be modified. */
    public byte[] address() {
        return address;
    }

    public boolean liveAt(long nowNanos) {
        return expiresAtNanos - nowNanos > 0;
    }

    void refresh(long expiresAtNanos) {
        this.expiresAtNanos = expiresAtNanos;
    }

    /** The peer a Send indication last went to under this permission, if it had this port (else null). */
    public InetSocketAddress lastPeer(int port) {
        InetSocketAddress last = lastPeer;
        return last != null && last.getPort() == port ? last : null;
    }

    /** Remembers a peer that passed the policy (see {@link #lastPeer}). */
    public void lastPeer(InetSocketAddress peer) {
        this.lastPeer = peer;
    }
}
