package io.doorstep.relay.allocation;

import io.netty.channel.Channel;
import io.netty.util.collection.IntObjectHashMap;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One TURN allocation (RFC 8656 §2.2): a relayed transport address on this server, owned by one client 5-tuple,
 * with the permissions and channel bindings that say which peers may be reached. Touched only on the event loop
 * of its client link and relay socket (the same loop), so it has no locks.
 */
public final class Allocation {
    /** RFC 8656 §9: permissions last 300 s; channel bindings 600 s. */
    public static final long PERMISSION_NANOS = 300_000_000_000L;
    public static final long CHANNEL_NANOS = 600_000_000_000L;

    private final String username;
    private final byte[] key;
    private final ClientLink client;
    private final Channel relay;
    private final InetSocketAddress relayedAddress;
    private final Map<InetAddress, Permission> permissions = new HashMap<>();
    private final IntObjectHashMap<ChannelBinding> channelsByNumber = new IntObjectHashMap<>(4);
    private final Map<InetSocketAddress, ChannelBinding> channelsByPeer = new HashMap<>(4);
    private final long bytesPerSecond;
    private long expiresAtNanos;
    private byte[] creatingTransaction;
    private byte[] creatingResponse;
    private double tokens;
    private boolean flushPending;
    private Permission lastSend;
    private long lastRefillNanos;

    public Allocation(String username, byte[] key, ClientLink client, Channel relay, InetSocketAddress relayedAddress,
               long expiresAtNanos, long bytesPerSecond) {
        this.username = username;
        this.key = key.clone();
        this.client = client;
        this.relay = relay;
        this.relayedAddress = relayedAddress;
        this.expiresAtNanos = expiresAtNanos;
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
        this.lastRefillNanos = System.nanoTime();
    }

    public String username() {
        return username;
    }

    /** The long-term key the allocation was made with: later requests must use the same credentials. */
    public byte[] key() {
        return key;
    }

    public ClientLink client() {
        return client;
    }

    public Channel relay() {
        return relay;
    }

    /** The relayed transport address as announced to the client (the external address, not the bind one). */
    public InetSocketAddress relayedAddress() {
        return relayedAddress;
    }

    /**
     * Remembers the Allocate that made this allocation and its answer, so a retransmission of that request gets
     * the same answer rather than a 437 (RFC 8656 §7.2).
     */
    public void createdBy(byte[] transactionId, byte[] response) {
        this.creatingTransaction = transactionId.clone();
        this.creatingResponse = response.clone();
    }

    /** The answer to resend if {@code transactionId} is the Allocate that made this allocation, else null. */
    public byte[] responseTo(byte[] transactionId) {
        return java.util.Arrays.equals(transactionId, creatingTransaction) ? creatingResponse : null;
    }

    public long expiresAtNanos() {
        return expiresAtNanos;
    }

    public void refresh(long expiresAtNanos) {
        this.expiresAtNanos = expiresAtNanos;
    }

    /** Installs or refreshes a permission for the peer's IP address (the port does not matter, §9). */
    public void permit(InetAddress peer, long nowNanos) {
        Permission p = permissions.get(peer);
        if (p == null) {
            permissions.put(peer, new Permission(peer, nowNanos + PERMISSION_NANOS));
        } else {
            p.refresh(nowNanos + PERMISSION_NANOS);
        }
    }

    public boolean permits(InetAddress peer, long nowNanos) {
        return permission(peer, nowNanos) != null;
    }

    /** The live permission for the peer's IP address, or null. */
    public Permission permission(InetAddress peer, long nowNanos) {
        Permission p = permissions.get(peer);
        return p != null && p.liveAt(nowNanos) ? p : null;
    }

    /**
     * The permission the last Send indication went through (it may have expired since: check), or null. A client
     * sends to one peer over and over, so remembering it spares decoding the peer address and a map look-up.
     */
    public Permission lastSendPermission() {
        return lastSend;
    }

    public void lastSendPermission(Permission p) {
        lastSend = p;
    }

    public ChannelBinding channel(int number) {
        return channelsByNumber.get(number);
    }

    public ChannelBinding channelTo(InetSocketAddress peer) {
        return channelsByPeer.get(peer);
    }

    /**
     * Binds or refreshes a channel (RFC 8656 §11.2): a number may be rebound only to the same peer and a peer may
     * have only one number; returns false when the request breaks either rule (answer 400).
     */
    public boolean bind(int number, InetSocketAddress peer, long nowNanos) {
        ChannelBinding byNumber = channelsByNumber.get(number);
        ChannelBinding byPeer = channelsByPeer.get(peer);
        if ((byNumber != null && !byNumber.peer().equals(peer)) || (byPeer != null && byPeer.number() != number)) {
            return false;
        }
        long expiry = nowNanos + CHANNEL_NANOS;
        if (byNumber != null) {
            byNumber.refresh(expiry);
        } else {
            ChannelBinding binding = new ChannelBinding(number, peer, expiry);
            channelsByNumber.put(number, binding);
            channelsByPeer.put(peer, binding);
        }
        permit(peer.getAddress(), nowNanos); // a channel binding also installs or refreshes the permission
        return true;
    }

    /** Drops expired permissions and channel bindings (a binding's number stays unusable until then, §12). */
    public void expire(long nowNanos) {
        permissions.values().removeIf(p -> !p.liveAt(nowNanos));
        Iterator<ChannelBinding> it = channelsByPeer.values().iterator();
        while (it.hasNext()) {
            ChannelBinding b = it.next();
            if (b.expiresAtNanos() - nowNanos <= 0) {
                it.remove();
                channelsByNumber.remove(b.number());
            }
        }
    }

    /**
     * Takes {@code bytes} from the allocation's bandwidth budget (a token bucket of one second); false means the
     * packet is over the quota and must be dropped.
     */
    public boolean spend(int bytes, long nowNanos) {
        if (bytesPerSecond <= 0) {
            return true;
        }
        tokens = Math.min(bytesPerSecond, tokens + (nowNanos - lastRefillNanos) * (bytesPerSecond / 1e9));
        lastRefillNanos = nowNanos;
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }

    /** Marks the relay socket as written but not flushed; false if it already was. */
    public boolean markFlushPending() {
        if (flushPending) {
            return false;
        }
        flushPending = true;
        return true;
    }

    public void clearFlushPending() {
        flushPending = false;
    }

    int permissionCount() {
        return permissions.size();
    }

    int channelCount() {
        return channelsByNumber.size();
    }
}
