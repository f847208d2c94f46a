package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ClientLink;
import io.doorstep.relay.allocation.Quotas;
import io.doorstep.relay.allocation.RelayPorts;
import io.doorstep.relay.metrics.RelayMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
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

    public Allocator(TurnSettings settings, Quotas quotas, RelayPorts ports, RelayMetrics metrics,
                     Class<? extends DatagramChannel> datagramType) {
        this.settings = settings;
        this.quotas = quotas;
        this.ports = ports;
        this.metrics = metrics;
        this.datagramType = datagramType;
    }

    /** Why an allocation could not be made. */
    public enum Failure { USER_QUOTA, CAPACITY }

    /** Result of {@link #allocate}: the allocation, or why there is none. */
    public record Outcome(Allocation allocation, Failure failure) {
    }

    public int active() {
        return active.get();
    }

    /** Reserves quota and a port and binds the relay socket; completes on the client's event loop. */
    public void allocate(ClientLink client, String username, byte[] key, long lifetimeSeconds,
                         AllocationTable table, Promise<Outcome> result) {
        switch (quotas.reserve(username)) {
            case USER_QUOTA -> result.setSuccess(new Outcome(null, Failure.USER_QUOTA));
            case CAPACITY -> result.setSuccess(new Outcome(null, Failure.CAPACITY));
            default -> bind(client, username, key, lifetimeSeconds, table, result, BIND_ATTEMPTS);
        }
    }

    private void bind(ClientLink client, String username, byte[] key, long lifetimeSeconds, AllocationTable table,
                      Promise<Outcome> result, int attemptsLeft) {
        int port = ports.take();
        if (port < 0 || attemptsLeft == 0) {
            if (port >= 0) {
                ports.release(port);
            }
            quotas.release(username);
            result.setSuccess(new Outcome(null, Failure.CAPACITY));
            return;
        }
        PeerHandler peers = new PeerHandler(metrics);
        ChannelFuture registered = new Bootstrap()
                .group(client.channel().eventLoop())
                .channel(datagramType)
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .option(ChannelOption.SO_SNDBUF, 1 << 20)
                .handler(peers)
                .register();
        Channel relay = registered.channel();
        Allocation allocation = new Allocation(username, key, client, relay,
                new InetSocketAddress(settings.externalAddress(), port),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetimeSeconds), settings.bytesPerSecond());
        peers.attach(allocation); // before bind: no datagram can arrive earlier
        registered.addListener(r -> relay.bind(new InetSocketAddress(settings.relayBind(), port))
                .addListener(f -> {
                    if (!f.isSuccess()) { // taken by another process: try another port
                        ports.release(port);
                        relay.close();
                        bind(client, username, key, lifetimeSeconds, table, result, attemptsLeft - 1);
                        return;
                    }
                    active.incrementAndGet();
                    metrics.allocationCreated();
                    relay.closeFuture().addListener(c -> ports.release(port));
                    table.put(client.clientAddress(), allocation);
                    scheduleExpiry(allocation, table);
                    result.setSuccess(new Outcome(allocation, null));
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
