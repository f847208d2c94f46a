package io.doorstep.relay.allocation;

import java.net.InetSocketAddress;

/** A channel number bound to a peer transport address for ChannelData (RFC 8656 §12); lives 10 minutes. */
public final class ChannelBinding {
    private final int number;
    private final InetSocketAddress peer;
    private long expiresAtNanos;

    ChannelBinding(int number, InetSocketAddress peer, long expiresAtNanos) {
        this.number = number;
        this.peer = peer;
        this.expiresAtNanos = expiresAtNanos;
    }

    public int number() {
        return number;
    }

    public InetSocketAddress peer() {
        return peer;
    }

    public long expiresAtNanos() {
        return expiresAtNanos;
    }

    void refresh(long expiresAtNanos) {
        this.expiresAtNanos = expiresAtNanos;
    }
}
