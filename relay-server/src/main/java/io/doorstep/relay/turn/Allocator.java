package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ClientLink;
import io.doorstep.relay.allocation.Quotas;
import io.doorstep.relay.allocation.RelayPorts;
import io.doorstep.relay.metrics.RelayMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DatagramChannel;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates and ends allocations: quota, a port from the range, a relay socket bound on the client's own event loop
 * (so the client side and the peer side of an allocation run on one thread), and the expiry timer.
 */
public final class Allocator {
    private static final int BIND_ATTEMPTS = 8;

    private final TurnSettings settings;
    private final Quotas quotas;
    private final RelayPorts ports;
    private final RelayMetrics metrics;
    private final Class<? extends DatagramChannel> datagramType;
    private final AtomicInteger active = new AtomicInteger();
    private final io.netty.util.concurrent.EventExecutorGroup group;

    public Allocator(TurnSettings settings, Quotas quotas, RelayPorts ports, RelayMetrics metrics,
                     Class<? extends DatagramChannel> datagramType, io.netty.util.concurrent.EventExecutorGroup group) {
        this.group = group;
        this.settings = settings;
        this.quotas = quotas;
        this.ports = ports;
        this.metrics = metrics;
        this.datagramType = datagramType;
    }

    /** Why an allocation could not be made. */
    public enum Failure { USER_QUOTA, CAPACITY, BAD_TOKEN }

    /**
     * Result of {@link #allocate}: the allocation (with the reservation token of the port kept for a later
     * allocation, or null), or why there is none.
     */
    public record Outcome(Allocation allocation, Failure failure, byte[] reservationToken) {
    }

    /** Which relayed port a client asks for (RFC 8656 §7.2 steps 5–6, EVEN-PORT and RESERVATION-TOKEN). */
    public sealed interface PortRequest {
        /** Any port. */
        record Any() implements PortRequest {
        }

        /** An even port; {@code reserveNext} also keeps the next port for a later Allocate with the token. */
        record Even(boolean reserveNext) implements PortRequest {
        }

        /** The port reserved earlier under this token. */
        record Reserved(byte[] token) implements PortRequest {
        }
    }

    /** RFC 8656 §14.9: a reserved port is held for about 30 seconds. */
    private static final long RESERVATION_SECONDS = 30;

    /** Reserved ports by token (8 bytes as a long); shared by all event loops. */
    private final java.util.concurrent.ConcurrentHashMap<Long, Integer> reservations =
            new java.util.concurrent.ConcurrentHashMap<>();

    public int active() {
        return active.get();
    }

    /** Reserves quota and a port and binds the relay socket; completes on the client's event loop. */
    public void allocate(ClientLink client, String username, byte[] key, long lifetimeSeconds, PortRequest wanted,
                         boolean ipv6, AllocationTable table, Promise<Outcome> result) {
        switch (quotas.reserve(username)) {
            case USER_QUOTA -> result.setSuccess(new Outcome(null, Failure.USER_QUOTA, null));
            case CAPACITY -> result.setSuccess(new Outcome(null, Failure.CAPACITY, null));
            default -> bind(client, username, key, lifetimeSeconds, wanted, ipv6, table, result, BIND_ATTEMPTS);
        }
    }

    /** The port for the request, and the token of a port reserved alongside (null if none); port -1 on failure. */
    private record Port(int port, byte[] token, Failure failure) {
    }

    private Port takePort(PortRequest wanted) {
        if (wanted instanceof PortRequest.Reserved r) {
            Integer port = r.token().length == 8 ? reservations.remove(tokenKey(r.token())) : null;
            return port == null ? new Port(-1, null, Failure.BAD_TOKEN) : new Port(port, null, null);
        }
        if (wanted instanceof PortRequest.Even e) {
            int port = ports.takeEven(e.reserveNext());
            if (port < 0) {
                return new Port(-1, null, Failure.CAPACITY);
            }
            return new Port(port, e.reserveNext() ? reserve(port + 1) : null, null);
        }
        int port = ports.take();
        return new Port(port, null, port < 0 ? Failure.CAPACITY : null);
    }

    private byte[] reserve(int port) {
        byte[] token = new byte[8];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(token);
        long key = tokenKey(token);
        reservations.put(key, port);
        group.schedule(() -> {
            if (reservations.remove(key, port)) {
                ports.release(port); // never claimed
            }
        }, RESERVATION_SECONDS, TimeUnit.SECONDS);
        return token;
    }

    private static long tokenKey(byte[] token) {
        return java.nio.ByteBuffer.wrap(token).getLong();
    }

    private void bind(ClientLink client, String username, byte[] key, long lifetimeSeconds, PortRequest wanted,
                      boolean ipv6, AllocationTable table, Promise<Outcome> result, int attemptsLeft) {
        Port taken = attemptsLeft == 0 ? new Port(-1, null, Failure.CAPACITY) : takePort(wanted);
        int port = taken.port();
        if (port < 0) {
            quotas.release(username);
            result.setSuccess(new Outcome(null, taken.failure(), null));
            return;
        }
        PeerHandler peers = new PeerHandler(metrics);
        Bootstrap bootstrap = UdpSockets.configure(new Bootstrap().group(client.channel().eventLoop()), datagramType,
                1 << 20).handler(peers);
        ChannelFuture registered = bootstrap.register();
        Channel relay = registered.channel();
        Allocation allocation = new Allocation(username, key, client, relay,
                new InetSocketAddress(settings.external(ipv6), port),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetimeSeconds), settings.bytesPerSecond());
        peers.attach(allocation); // before bind: no datagram can arrive earlier
        registered.addListener(r -> relay.bind(new InetSocketAddress(settings.relayBind(ipv6), port))
                .addListener(f -> {
                    if (!f.isSuccess()) { // taken by another process: try another port of the same kind
                        ports.release(port);
                        if (taken.token() != null && reservations.remove(tokenKey(taken.token())) != null) {
                            ports.release(port + 1);
                        }
                        relay.close();
                        bind(client, username, key, lifetimeSeconds, wanted, ipv6, table, result,
                                wanted instanceof PortRequest.Reserved ? 0 : attemptsLeft - 1);
                        return;
                    }
                    active.incrementAndGet();
                    metrics.allocationCreated();
                    relay.closeFuture().addListener(c -> ports.release(port));
                    table.put(client.clientAddress(), allocation);
                    scheduleExpiry(allocation, table);
                    result.setSuccess(new Outcome(allocation, null, taken.token()));
                }));
    }

    /** Extends an allocation's life (Refresh). */
    public void refresh(Allocation allocation, long lifetimeSeconds) {
        allocation.refresh(System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetimeSeconds));
    }

    /** Ends an allocation now: the relay socket closes, its port and quota go back. */
    public void release(Allocation allocation, AllocationTable table, String reason) {
        if (!allocation.relay().isOpen()) {
            return;
        }
        table.remove(allocation.client().clientAddress(), allocation);
        allocation.relay().flush(); // sends of the last read burst still wait for the loop's flush: deliver them
        allocation.relay().close();
        quotas.release(allocation.username());
        active.decrementAndGet();
        metrics.allocationEnded(reason);
    }

    /** Wakes at the expiry; a refresh in the meantime moves it on. Also sweeps stale permissions and channels. */
    private void scheduleExpiry(Allocation allocation, AllocationTable table) {
        long delay = Math.min(allocation.expiresAtNanos() - System.nanoTime(), TimeUnit.SECONDS.toNanos(60));
        allocation.relay().eventLoop().schedule(() -> {
            if (!allocation.relay().isOpen()) {
                return;
            }
            long now = System.nanoTime();
            if (allocation.expiresAtNanos() - now <= 0) {
                release(allocation, table, "expired");
                return;
            }
            allocation.expire(now);
            scheduleExpiry(allocation, table);
        }, Math.max(delay, 0), TimeUnit.NANOSECONDS);
    }
}
