package io.doorstep.relay.turn;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ClientLink;
import io.doorstep.relay.allocation.Quotas;
import io.doorstep.relay.allocation.RelayPorts;
import io.doorstep.relay.metrics.RelayMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and ends allocations: quota, a port from the range, a relay socket bound on the client's own event loop
 * (so the client side and the peer side of an allocation run on one thread), and the expiry timer.
 */
public final class Allocator {
    private static final Logger log = LoggerFactory.getLogger(Allocator.class);
    private static final int BIND_ATTEMPTS = 8;
    /** Binds of a reserved port once its placeholder is closed, {@link #REBIND_DELAY_MS} apart. */
    private static final int RESERVED_REBINDS = 5;
    private static final long REBIND_DELAY_MS = 10;

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

    /**
     * A port kept for a later Allocate with its token, bound meanwhile by a socket that drops what it receives, so
     * that no other socket of the machine (an ephemeral port, say) can take it before the token is used.
     */
    private record Reservation(int port, Channel placeholder) {
    }

    /** Reserved ports by token (8 bytes as a long); shared by all event loops. */
    private final ConcurrentHashMap<Long, Reservation> reservations = new ConcurrentHashMap<>();

    public int active() {
        return active.get();
    }

    /** Reserves quota and a port and binds the relay socket; completes on the client's event loop. */
    public void allocate(ClientLink client, String username, byte[] key, long lifetimeSeconds, PortRequest wanted,
                         boolean ipv6, AllocationTable table, Promise<Outcome> result) {
        switch (quotas.reserve(username)) {
            case USER_QUOTA -> result.setSuccess(new Outcome(null, Failure.USER_QUOTA, null));
            case CAPACITY -> result.setSuccess(new Outcome(null, Failure.CAPACITY, null));
            default -> bind(new Request(client, username, key, lifetimeSeconds, wanted, ipv6, table, result),
                    BIND_ATTEMPTS);
        }
    }

    /** One Allocate on its way to a bound relay socket. */
    private record Request(ClientLink client, String username, byte[] key, long lifetimeSeconds, PortRequest wanted,
                           boolean ipv6, AllocationTable table, Promise<Outcome> result) {
        boolean reservesNext() {
            return wanted instanceof PortRequest.Even e && e.reserveNext();
        }
    }

    /** The port for the request (the reservation's placeholder to close first, if any); port -1 on failure. */
    private record Port(int port, Channel placeholder, Failure failure) {
    }

    private Port takePort(PortRequest wanted) {
        if (wanted instanceof PortRequest.Reserved r) {
            Reservation kept = r.token().length == 8 ? reservations.remove(tokenKey(r.token())) : null;
            return kept == null ? new Port(-1, null, Failure.BAD_TOKEN)
                    : new Port(kept.port(), kept.placeholder(), null);
        }
        int port = wanted instanceof PortRequest.Even e ? ports.takeEven(e.reserveNext()) : ports.take();
        return new Port(port, null, port < 0 ? Failure.CAPACITY : null);
    }

    private static long tokenKey(byte[] token) {
        return java.nio.ByteBuffer.wrap(token).getLong();
    }

    private void bind(Request q, int attemptsLeft) {
        Port taken = attemptsLeft == 0 ? new Port(-1, null, Failure.CAPACITY) : takePort(q.wanted());
        if (taken.port() < 0) {
            fail(q, taken.failure());
        } else if (taken.placeholder() != null) {
            // the reserved port is free again once its placeholder is closed; it is bound again at once
            taken.placeholder().close().addListener(c -> bindRelay(q, taken.port(), RESERVED_REBINDS));
        } else {
            bindRelay(q, taken.port(), attemptsLeft);
        }
    }

    private void fail(Request q, Failure failure) {
        log.warn("allocation refused reason={} user={} client={} wanted={}", failure, q.username(),
                q.client().clientAddress(), q.wanted().getClass().getSimpleName());
        quotas.release(q.username());
        q.result().setSuccess(new Outcome(null, failure, null));
    }

    /** Binds the relay socket on {@code port}; if another socket holds it, tries another port of the same kind. */
    private void bindRelay(Request q, int port, int attemptsLeft) {
        PeerHandler peers = new PeerHandler(metrics);
        ChannelFuture registered = register(q.client(), peers);
        Channel relay = registered.channel();
        Allocation allocation = new Allocation(q.username(), q.key(), q.client(), relay,
                new InetSocketAddress(settings.external(q.ipv6()), port),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(q.lifetimeSeconds()), settings.bytesPerSecond());
        peers.attach(allocation); // before bind: no datagram can arrive earlier
        bindWhenRegistered(registered, q.ipv6(), port, f -> {
            if (!f.isSuccess() && q.wanted() instanceof PortRequest.Reserved && attemptsLeft > 0) {
                // Seen in CI: right after the placeholder's close is reported the port can still be held for a
                // moment (the placeholder closes on its own event loop); a reserved port is ours, so try again.
                log.debug("reserved port still held port={} tries_left={}", port, attemptsLeft);
                relay.close();
                group.schedule(() -> bindRelay(q, port, attemptsLeft - 1), REBIND_DELAY_MS, TimeUnit.MILLISECONDS);
            } else if (!f.isSuccess()) { // taken by another process
                log.warn("relay port taken port={} attempts_left={}: {}", port, attemptsLeft, f.cause().toString());
                ports.release(port);
                if (q.reservesNext()) {
                    ports.release(port + 1);
                }
                relay.close();
                bind(q, attemptsLeft == 0 || q.wanted() instanceof PortRequest.Reserved ? 0 : attemptsLeft - 1);
            } else if (q.reservesNext()) {
                reserveNext(q, allocation, port, attemptsLeft);
            } else {
                created(q, allocation, null);
            }
        });
    }

    /** EVEN-PORT with R: binds the placeholder of the odd port above, or gives up this pair and tries another. */
    private void reserveNext(Request q, Allocation allocation, int port, int attemptsLeft) {
        ChannelFuture registered = register(q.client(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg); // nobody's allocation yet
            }
        });
        Channel placeholder = registered.channel();
        bindWhenRegistered(registered, q.ipv6(), port + 1, f -> {
            if (!f.isSuccess()) {
                log.warn("reserved port taken port={} attempts_left={}: {}", port + 1, attemptsLeft,
                        f.cause().toString());
                placeholder.close();
                allocation.relay().close();
                ports.release(port);
                ports.release(port + 1);
                bind(q, attemptsLeft == 0 ? 0 : attemptsLeft - 1);
                return;
            }
            created(q, allocation, reserve(new Reservation(port + 1, placeholder)));
        });
    }

    private byte[] reserve(Reservation reservation) {
        byte[] token = new byte[8];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(token);
        long key = tokenKey(token);
        reservations.put(key, reservation);
        group.schedule(() -> {
            if (reservations.remove(key, reservation)) { // never claimed
                reservation.placeholder().close().addListener(c -> ports.release(reservation.port()));
            }
        }, RESERVATION_SECONDS, TimeUnit.SECONDS);
        return token;
    }

    /** A UDP socket on the client's own event loop, so both sides of an allocation run on one thread. */
    private ChannelFuture register(ClientLink client, ChannelHandler handler) {
        return UdpSockets.configure(new Bootstrap().group(client.channel().eventLoop()), datagramType, 1 << 20)
                .handler(handler).register();
    }

    private void bindWhenRegistered(ChannelFuture registered, boolean ipv6, int port, ChannelFutureListener then) {
        registered.addListener(r -> registered.channel().bind(new InetSocketAddress(settings.relayBind(ipv6), port))
                .addListener(then));
    }

    private void created(Request q, Allocation allocation, byte[] token) {
        active.incrementAndGet();
        metrics.allocationCreated();
        int port = allocation.relayedAddress().getPort();
        allocation.relay().closeFuture().addListener(c -> ports.release(port));
        q.table().put(q.client().clientAddress(), allocation);
        scheduleExpiry(allocation, q.table());
        q.result().setSuccess(new Outcome(allocation, null, token));
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
