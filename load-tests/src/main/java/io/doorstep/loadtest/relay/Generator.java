package io.doorstep.loadtest.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.doorstep.relay.stun.StunCodec;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * The relay benchmark's traffic generator: N flows (UDP client sockets, or TCP connections with
 * {@link Settings#tcp}), each either a TURN allocation whose channel is bound to the generator's own echo peer
 * ({@link Mode#TURN}), or a plain socket sending straight to a UDP echo ({@link Mode#DIRECT}); and the allocation-rate
 * profile ({@link #allocateStep}), new clients at a fixed rate. Everything runs on one Netty event loop (epoll, reading bursts with recvmmsg and
 * writing a burst per socket with one sendmmsg), which by default busy-polls so that the generator's own wake-ups do
 * not add to the latency it measures.
 *
 * <p>Traffic is open-loop: packet {@code g} of a step is due at {@code start + g / rate}, flows take turns
 * ({@code g mod N}), and each packet carries its flow, step, sequence number and that intended send time. Round-trip
 * latency is recorded against the intended time, so a stalled server or generator shows up as latency rather than
 * as fewer samples (no coordinated omission). Loss is counted from the sequence numbers.
 *
 * <p>Payload layout (big-endian): magic 0xD5, 0, flow (u16), step (i32), sequence (i64), intended send time
 * (i64, this JVM's {@link System#nanoTime}), then filler up to the payload size. In TURN mode the payload travels in
 * ChannelData to the relay, which sends it to the echo peer from the allocation's relayed address; the peer sends it
 * back to that address, and the relay hands it to the client as ChannelData again.
 */
public final class Generator implements AutoCloseable {
    static final byte MAGIC = (byte) 0xD5;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final int HEADER = 24;
    private static final int SLOT = 2048;
    /**
     * Datagrams per recvmmsg: 16 x 2 KiB slots make a 32 KiB buffer, the largest the pooled allocator's thread cache
     * keeps. Larger ones go back to the arena on release, and when a sparse flow frees the only buffer of a chunk the
     * arena frees the chunk too, so the next read allocates (and zeroes) a fresh 4 MiB of direct memory.
     */
    private static final int READ_BURST = 16;
    private static final int MAX_BURST = 4096;
    /** Segments per GSO send: at most 26 x 1,204 bytes, within the 32 KiB the pooled thread cache keeps. */
    private static final int GSO_BYTES = 32 << 10;
    private static final int SETUP_WINDOW = 64;
    static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** TURN: through a relay, ChannelData on an allocation per flow; DIRECT: plain datagrams to an echo. */
    public enum Mode { TURN, DIRECT }

    /**
     * @param server      the TURN server (TURN) or the UDP echo (DIRECT; null = this generator's own echo peer)
     * @param secret      the TURN REST shared secret (TURN)
     * @param payloadSize bytes of payload per packet (ChannelData adds 4)
     * @param busyPoll    spin on epoll_wait(0) instead of sleeping in it
     * @param gso         send a burst to one destination as one UDP GSO datagram (UDP_SEGMENT) where the kernel
     *                    has it: the receiving socket still gets one datagram per packet, but the generator makes
     *                    one pass through the stack per burst instead of one per packet
     * @param tcp         TURN mode: the clients speak TURN over TCP to the relay (one connection per flow, STUN and
     *                    ChannelData padded to 4 bytes on the stream, RFC 8656 §12.5); the relay still relays to the
     *                    echo peer over UDP. No GSO then: a burst is one write on the stream anyway
     */
    public record Settings(Mode mode, InetSocketAddress server, String secret, int payloadSize, boolean busyPoll,
                           boolean gso, boolean tcp) {
        public Settings(Mode mode, InetSocketAddress server, String secret, int payloadSize, boolean busyPoll,
                        boolean gso) {
            this(mode, server, secret, payloadSize, busyPoll, gso, false);
        }

        /** The same with the clients speaking TURN over TCP to the relay ({@code tcp}), or over UDP. */
        public Settings withTcp(boolean tcp) {
            return new Settings(mode, server, secret, payloadSize, busyPoll, gso, tcp);
        }

        public Settings {
            if (tcp && mode != Mode.TURN) {
                throw new IllegalArgumentException("TCP clients need TURN mode");
            }
            if (payloadSize < HEADER || payloadSize > 1400) {
                throw new IllegalArgumentException("payload size must be " + HEADER + "..1400 bytes");
            }
            if (mode == Mode.TURN && (server == null || secret == null || secret.isEmpty())) {
                throw new IllegalArgumentException("TURN mode needs a server and a secret");
            }
        }
    }

    private final Settings settings;
    private final boolean turn;
    private final boolean epoll = Epoll.isAvailable();
    private final boolean gso;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final Channel echo;
    private final InetSocketAddress echoAddress;
    private final Histogram rtt = new Histogram(HIGHEST_NANOS, 3);
    private final Histogram lag = new Histogram(HIGHEST_NANOS, 3);

    // Everything below is touched on the event loop only.
    /** The step's round trips by slice of its sending window (by intended send time), for the reports' charts. */
    private Timeline timeline = new Timeline(1, 1);
    private Flow[] flows = new Flow[0];
    private Flow[] dirty = new Flow[0];
    private int dirtyCount;
    private int step;
    private boolean sending;
    private long start;
    private long end;
    private double gap;
    private long next;
    private int burstPerFlow = 1;
    private int burstCap = MAX_BURST;
    private long sent;
    private long throttled;
    private long echoed;
    private long received;
    private long duplicates;
    private long stale;
    private ScheduledFuture<?> pacer;

    public Generator(Settings settings) throws InterruptedException {
        this.settings = settings;
        this.turn = settings.mode() == Mode.TURN;
        this.gso = settings.gso() && !settings.tcp() && epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        IoHandlerFactory handlers;
        if (epoll) {
            SelectStrategyFactory strategy = settings.busyPoll()
                    ? () -> (selectNow, hasTasks) -> selectNow.get() // never block: spin on epoll_wait(0)
                    : DefaultSelectStrategyFactory.INSTANCE;
            handlers = EpollIoHandler.newFactory(0, strategy);
        } else {
            handlers = NioIoHandler.newFactory();
        }
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("relay-bench", true), handlers);
        this.loop = group.next();
        this.echo = bootstrap(new EchoHandler(), true).bind(LOOPBACK, 0).sync().channel();
        this.echoAddress = (InetSocketAddress) echo.localAddress();
    }

    /** The in-process echo peer that the relay forwards to. */
    public InetSocketAddress echoAddress() {
        return echoAddress;
    }

    public int flowCount() {
        return flows.length;
    }

    /** Packets forwarded by the server under test per round trip: 2 through a relay, 1 through an echo. */
    public int forwardsPerRoundTrip() {
        return turn ? 2 : 1;
    }

    /**
     * IPv4 sockets (the kernel's plain UDP path rather than the dual-stack one). {@code batchedReads}: read bursts with
     * recvmmsg into a 32 KiB buffer, which pays off for fat flows; sparse flows read one datagram per recv instead,
     * since Netty's recvmmsg also costs a getsockopt(IP_RECVORIGDSTADDR) per call and an address per datagram.
     */
    private Bootstrap bootstrap(ChannelHandler handler, boolean batchedReads) {
        Bootstrap b = new Bootstrap().group(loop)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(4 << 20, 8 << 20))
                .option(ChannelOption.ALLOCATOR, alloc)
                .handler(handler);
        if (!epoll) {
            return b.channelFactory(() -> new NioDatagramChannel(SocketProtocolFamily.INET));
        }
        b.channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET));
        if (batchedReads) {
            b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(SLOT * READ_BURST));
        } else {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(SLOT));
        }
        return b;
    }

    /** A TCP client connection: frames cut from the stream by their own length, then the same client handler. */
    private Bootstrap tcpBootstrap(ClientHandler handler) {
        Bootstrap b = new Bootstrap().group(loop)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 2 << 20))
                .option(ChannelOption.ALLOCATOR, alloc)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new StreamFrames(), handler);
                    }
                });
        return epoll ? b.channel(EpollSocketChannel.class) : b.channel(NioSocketChannel.class);
    }

    /** Cuts the stream into STUN messages and padded ChannelData messages (RFC 8656 §12.5). */
    private static final class StreamFrames extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int length = StunCodec.streamFrameLength(in);
            if (length == StunCodec.NOT_A_FRAME) {
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            if (length == StunCodec.NEED_MORE_BYTES || in.readableBytes() < length) {
                return;
            }
            out.add(in.readRetainedSlice(length));
        }
    }

    /**
     * Replaces the flows with {@code count} new ones, each a socket connected to its server (the relay, or the
     * echo); in TURN mode each gets an allocation (REST credentials {@code <now+3600>:bench<i>}), a permission and a
     * channel to the echo peer, {@value #SETUP_WINDOW} at a time.
     *
     * @param batchedReads read with recvmmsg (few fat flows) rather than one recv per datagram (many thin ones)
     */
    public void openFlows(int count, boolean batchedReads, Duration timeout) throws Exception {
        closeFlows();
        InetSocketAddress target = turn ? settings.server()
                : settings.server() == null ? echoAddress : settings.server();
        Flow[] fresh = new Flow[count];
        for (int i = 0; i < count; i++) {
            fresh[i] = newFlow(i, target, batchedReads);
        }
        install(fresh);
        if (!turn) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Flow> pending = List.of(fresh);
        for (int attempt = 1; ; attempt++) {
            Map<Flow, Throwable> failed = allocate(pending, deadline);
            if (failed.isEmpty()) {
                return;
            }
            if (attempt == 3) {
                throw new IllegalStateException(failed.size() + " of " + count + " allocations failed, e.g. "
                        + failed.values().iterator().next());
            }
            // Most likely a 437: the server still holds an allocation on that 5-tuple from an earlier run whose
            // Refresh(0) got lost. Try again from another port.
            List<Flow> again = new ArrayList<>();
            for (Flow f : failed.keySet()) {
                f.channel.close().sync();
                Flow g = newFlow(f.index, target, batchedReads);
                fresh[f.index] = g;
                again.add(g);
            }
            install(fresh);
            pending = again;
        }
    }

    private Flow newFlow(int index, InetSocketAddress target, boolean batchedReads) throws InterruptedException {
        ClientHandler handler = new ClientHandler();
        Channel ch;
        if (settings.tcp()) {
            ch = tcpBootstrap(handler).connect(target).sync().channel();
        } else {
            ch = bootstrap(handler, batchedReads).bind(LOOPBACK, 0).sync().channel();
            ch.connect(target).sync(); // the kernel keeps the route, and drops datagrams from anyone else
        }
        Flow f = new Flow(index, ch, target, turn ? new TurnSession(ch, settings.server()) : null);
        handler.flow = f;
        return f;
    }

    private void install(Flow[] fs) throws Exception {
        Flow[] copy = fs.clone();
        call(() -> {
            flows = copy;
            dirty = new Flow[copy.length];
            return null;
        });
    }

    /** Opens the sessions of {@code pending}, {@value #SETUP_WINDOW} at a time; returns those that failed. */
    private Map<Flow, Throwable> allocate(List<Flow> pending, long deadline) throws Exception {
        long expiry = Instant.now().getEpochSecond() + 3600;
        Semaphore window = new Semaphore(SETUP_WINDOW);
        Map<Flow, Throwable> failed = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Flow f : pending) {
            if (!window.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("allocations not set up in time");
            }
            String user = TurnSession.restUsername(expiry, "bench" + f.index);
            String password = TurnSession.restPassword(settings.secret(), user);
            CompletableFuture<Void> done = new CompletableFuture<>();
            loop.execute(() -> f.session.open(user, password, echoAddress).whenComplete((v, e) -> {
                window.release();
                if (e != null) {
                    failed.put(f, e);
                }
                done.complete(null);
            }));
            all.add(done);
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return failed;
    }

    /** Deletes the flows' allocations (best effort) and closes their sockets. */
    public void closeFlows() throws Exception {
        Flow[] old = call(() -> {
            Flow[] o = flows;
            flows = new Flow[0];
            return o;
        });
        if (turn && old.length > 0) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            Semaphore window = new Semaphore(SETUP_WINDOW);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (Flow f : old) {
                if (!window.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                CompletableFuture<Void> done = new CompletableFuture<>();
                loop.execute(() -> f.session.close().whenComplete((v, e) -> {
                    window.release();
                    done.complete(null);
                }));
                all.add(done);
            }
            try {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                        .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // a server that lost an allocation may not answer its Refresh; move on
            }
            call(() -> {
                for (Flow f : old) {
                    f.session.abandon();
                }
                return null;
            });
        }
        for (Flow f : old) {
            f.channel.close().sync();
        }
    }

    /**
     * The allocation-rate profile: {@code attempts} new clients, attempt {@code i} due at {@code start + i / rate}
     * (open loop: an attempt starts when due whatever the earlier ones are doing). Each runs the whole sequence of a
     * client joining a call (Allocate, its 401 challenge, the authenticated Allocate with TURN REST credentials,
     * CreatePermission and ChannelBind to the echo peer) on a socket of its own, and the latency from its due time
     * to the ChannelBind success is recorded. Then the allocation is deleted (Refresh, LIFETIME 0) so that the
     * relay's quotas do not fill up. The sockets and credentials are made before the step starts; the flows of
     * {@link #openFlows} are not touched. Ends when every attempt has finished or at {@code timeout}.
     */
    public AllocateResult allocateStep(double rate, int attempts, Duration timeout, int serverPid, int core)
            throws Exception {
        if (!turn) {
            throw new IllegalStateException("the allocate profile needs TURN mode");
        }
        long expiry = Instant.now().getEpochSecond() + 3600;
        String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        Flow[] fs = new Flow[attempts];
        String[] users = new String[attempts];
        String[] passwords = new String[attempts];
        for (int i = 0; i < attempts; i++) {
            fs[i] = newFlow(i, settings.server(), false);
            users[i] = TurnSession.restUsername(expiry, "alloc-" + run + "-" + i); // a user each: no per-user quota
            passwords[i] = TurnSession.restPassword(settings.secret(), users[i]);
        }
        Histogram latency = new Histogram(HIGHEST_NANOS, 3);
        Histogram late = new Histogram(HIGHEST_NANOS, 3);
        long[] counts = new long[4]; // succeeded, failed, deleted, finished
        String[] firstError = new String[1];
        CompletableFuture<Void> done = new CompletableFuture<>();
        double gapNanos = 1e9 / rate;
        ProcStats.Sample cpu0 = ProcStats.sample(serverPid, core);
        long t0 = System.nanoTime();
        ScheduledFuture<?> launcher = call(() -> {
            long begin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
            int[] nextAttempt = {0};
            return loop.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                while (nextAttempt[0] < attempts) {
                    int i = nextAttempt[0];
                    long due = begin + (long) (i * gapNanos);
                    if (due > now) {
                        break;
                    }
                    nextAttempt[0]++;
                    late.recordValue(Math.min(now - due, HIGHEST_NANOS));
                    Flow f = fs[i];
                    f.session.open(users[i], passwords[i], echoAddress).whenComplete((v, e) -> {
                        if (e == null) {
                            latency.recordValue(Math.min(System.nanoTime() - due, HIGHEST_NANOS));
                            counts[0]++;
                        } else {
                            counts[1]++;
                            if (firstError[0] == null) {
                                firstError[0] = String.valueOf(e.getCause() != null ? e.getCause() : e);
                            }
                        }
                        f.session.close().whenComplete((v2, e2) -> {
                            if (e2 == null && f.session.relayed() != null) {
                                counts[2]++;
                            }
                            if (++counts[3] == attempts) {
                                done.complete(null);
                            }
                        });
                    });
                }
            }, 0, 100, TimeUnit.MICROSECONDS);
        });
        try {
            done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // reported as unfinished attempts
        }
        ProcStats.Sample cpu1 = ProcStats.sample(serverPid, core);
        double seconds = (System.nanoTime() - t0) / 1e9;
        AllocateResult result = call(() -> {
            launcher.cancel(false);
            for (Flow f : fs) {
                f.session.abandon();
            }
            return new AllocateResult(rate, attempts, counts[0], counts[1], attempts - counts[3], counts[2],
                    firstError[0], seconds, StepResult.Latency.of(latency), StepResult.Latency.of(late),
                    cpu0.processMicrosTo(cpu1), cpu0.otherCoresTo(cpu1));
        });
        for (Flow f : fs) {
            f.channel.close();
        }
        for (Flow f : fs) {
            f.channel.closeFuture().sync();
        }
        return result;
    }

    /** Local UDP ports of the generator's sockets, to tell its receive-queue drops from the server's. */
    public Set<Integer> localPorts() throws Exception {
        return call(() -> {
            Set<Integer> ports = new HashSet<>();
            ports.add(echoAddress.getPort());
            for (Flow f : flows) {
                ports.add(((InetSocketAddress) f.channel.localAddress()).getPort());
            }
            return ports;
        });
    }

    /**
     * Runs one step: the flows together send {@code offeredPps / forwardsPerRoundTrip()} packets per second for
     * {@code duration}, then the step waits up to {@code drain} for the last answers.
     *
     * @param tick      how often the pacer looks at the schedule: packets due meanwhile go out in one burst per flow
     * @param serverPid the server's process, for its CPU time (0: none)
     * @param core      the core the server is pinned to, for its busy time (-1: none)
     */
    public StepResult step(String label, double offeredPps, Duration duration, Duration drain, Duration tick,
                           int serverPid, int core) throws Exception {
        if (flows.length == 0) {
            throw new IllegalStateException("no flows open");
        }
        double sendRate = offeredPps / forwardsPerRoundTrip();
        double seconds = duration.toNanos() / 1e9;
        int perFlow = (int) Math.min(Integer.MAX_VALUE - 8, Math.ceil(sendRate * seconds / flows.length) + 2);
        Set<Integer> ports = localPorts();
        long[] drops0 = ProcStats.udpDrops(ports);
        ProcStats.Sample cpu0 = ProcStats.sample(serverPid, core);
        Timeline slices = Timeline.over(duration);
        call(() -> {
            step++;
            sent = throttled = echoed = received = duplicates = stale = 0;
            rtt.reset();
            timeline = slices;
            lag.reset();
            for (Flow f : flows) {
                f.seen = new BitSet(perFlow);
                f.capacity = perFlow;
            }
            gap = 1e9 / sendRate;
            burstPerFlow = (int) Math.min(1024, Math.ceil(sendRate / flows.length * tick.toNanos() / 1e9) + 1);
            burstCap = (int) Math.min(MAX_BURST, Math.max(64, 3 * sendRate * tick.toNanos() / 1e9));
            next = 0;
            start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
            end = start + duration.toNanos();
            sending = true;
            pacer = loop.scheduleAtFixedRate(this::pace, 0, Math.max(1000, tick.toNanos()), TimeUnit.NANOSECONDS);
            return null;
        });
        Thread.sleep(duration.toMillis() + 1);
        long drainUntil = System.nanoTime() + drain.toNanos();
        while (System.nanoTime() < drainUntil) {
            if (call(() -> !sending && received + duplicates >= sent)) {
                break;
            }
            Thread.sleep(10);
        }
        ProcStats.Sample cpu1 = ProcStats.sample(serverPid, core);
        long[] drops1 = ProcStats.udpDrops(ports);
        return call(() -> {
            pacer.cancel(false);
            sending = false;
            step++; // whatever still arrives belongs to no step
            long forwarded = turn ? echoed + received : received;
            double loss = sent == 0 ? 0 : 1 - (double) received / sent;
            return new StepResult(label, flows.length, offeredPps * (sent + throttled == 0 ? 1
                    : (double) sent / (sent + throttled)), seconds, sent, echoed, received, duplicates, stale, loss,
                    forwarded / seconds, StepResult.Latency.of(rtt), StepResult.Latency.of(lag),
                    cpu0.processMicrosTo(cpu1), cpu0.runMicrosTo(cpu1), cpu0.coreMicrosTo(cpu1),
                    cpu0.otherCoresTo(cpu1), drops1[0] - drops0[0], drops1[1] - drops0[1],
                    timeline.intervals(forwardsPerRoundTrip()));
        });
    }

    /**
     * Sends the packets that are due, then flushes each socket written once (one sendmmsg per socket). After a
     * stall (a GC pause, the scheduler) the backlog goes out at up to three times the rate rather than in one burst,
     * which would overflow a server's socket buffers for a reason that is the generator's; the lateness is recorded
     * as send lag, and in the round trip of every late packet.
     */
    private void pace() {
        if (!sending) {
            return;
        }
        long now = System.nanoTime();
        Flow[] fs = flows;
        int n = fs.length;
        for (int burst = 0; burst < burstCap; burst++) {
            long intended = start + (long) (next * gap);
            if (intended >= end) {
                sending = false;
                break;
            }
            if (intended > now) {
                break;
            }
            Flow f = fs[(int) (next % n)];
            long seq = next / n;
            next++;
            if (!f.channel.isWritable()) {
                throttled++; // the generator is behind: skipped, not counted as sent
                continue;
            }
            append(f, seq, intended);
            lag.recordValue(Math.min(now - intended, HIGHEST_NANOS));
            if (!f.dirty) {
                f.dirty = true;
                dirty[dirtyCount++] = f;
            }
        }
        for (int i = 0; i < dirtyCount; i++) {
            Flow f = dirty[i];
            emit(f);
            f.dirty = false;
            f.channel.flush();
            dirty[i] = null;
        }
        dirtyCount = 0;
    }

    /** Adds one packet to the flow's burst (written by {@link #emit}, or at once without GSO). */
    private void append(Flow f, long seq, long intended) {
        int payload = settings.payloadSize();
        int size = settings.tcp() ? (payload + 4 + 3) & ~3 : turn ? payload + 4 : payload; // TCP: padded to 4
        if (f.pending == null) { // room for the packets a flow sends per tick, plus one
            f.pending = alloc.directBuffer(gso ? size * Math.min(burstPerFlow, GSO_BYTES / size) : size);
        }
        ByteBuf b = f.pending;
        int at = b.writerIndex();
        if (turn) {
            b.writeShort(TurnSession.CHANNEL).writeShort(payload); // ChannelData header (RFC 8656 §12.4)
        }
        b.writeByte(MAGIC).writeByte(0).writeShort(f.index).writeInt(step).writeLong(seq).writeLong(intended);
        b.writerIndex(at + size); // the rest is filler: whatever the pooled memory held
        f.pendingCount++;
        f.sent++;
        sent++;
        if (!gso || b.writableBytes() < size) {
            emit(f);
        }
    }

    /** Writes the flow's burst: one datagram, or one GSO datagram that the kernel splits into packets. */
    private void emit(Flow f) {
        if (f.pendingCount == 0) {
            return;
        }
        ByteBuf b = f.pending;
        int size = b.readableBytes() / f.pendingCount;
        // A single packet goes out on the connected socket as it is (the socket's cached route, no address).
        f.channel.write(f.pendingCount == 1 ? b : new SegmentedDatagramPacket(b, size, f.target),
                f.channel.voidPromise());
        f.pending = null;
        f.pendingCount = 0;
    }

    /** A payload came back to flow {@code f}: count it once, and its round trip. */
    private void arrived(Flow f, ByteBuf buf, int off, int len) {
        long now = System.nanoTime();
        if (len < HEADER || buf.getByte(off) != MAGIC) {
            return;
        }
        if (buf.getInt(off + 4) != step) {
            stale++;
            return;
        }
        long seq = buf.getLong(off + 8);
        if (seq < 0 || seq >= f.capacity) {
            stale++;
            return;
        }
        int s = (int) seq;
        if (f.seen.get(s)) {
            duplicates++;
            return;
        }
        f.seen.set(s);
        received++;
        long intended = buf.getLong(off + 16);
        long roundTrip = Math.max(0, Math.min(now - intended, HIGHEST_NANOS));
        rtt.recordValue(roundTrip);
        timeline.record(intended - start, roundTrip);
    }

    private <T> T call(Callable<T> task) throws Exception {
        return loop.submit(task).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            closeFlows();
            echo.close().sync();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One client socket: its TURN session (or none), the target it sends to, and the step's received set. */
    private static final class Flow {
        final int index;
        final Channel channel;
        final InetSocketAddress target;
        final TurnSession session;
        BitSet seen = new BitSet();
        long capacity;
        long sent;
        boolean dirty;
        ByteBuf pending;
        int pendingCount;

        Flow(int index, Channel channel, InetSocketAddress target, TurnSession session) {
            this.index = index;
            this.channel = channel;
            this.target = target;
            this.session = session;
        }
    }

    /** Datagrams to a client socket: ChannelData (or raw echoes), or STUN answers to its session. */
    private final class ClientHandler extends ChannelInboundHandlerAdapter {
        Flow flow;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf c = msg instanceof DatagramPacket d ? d.content() : (ByteBuf) msg; // TCP: one frame
            try {
                int ri = c.readerIndex();
                int n = c.readableBytes();
                if (n == 0 || flow == null) {
                    return;
                }
                if (!turn) {
                    arrived(flow, c, ri, n);
                } else if ((c.getUnsignedByte(ri) & 0xC0) == 0x40) { // ChannelData (RFC 7983 demultiplexing)
                    if (n >= 4) {
                        arrived(flow, c, ri + 4, Math.min(n - 4, c.getUnsignedShort(ri + 2)));
                    }
                } else {
                    flow.session.onDatagram(c);
                }
            } finally {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }
    }

    /**
     * The echo peer: sends every datagram back to where it came from, a read burst per sendmmsg; with GSO, the
     * packets of a burst that go to one address (one relayed address) leave as one GSO datagram.
     */
    private final class EchoHandler extends ChannelInboundHandlerAdapter {
        private final Map<InetSocketAddress, Batch> batches = new HashMap<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket p = (DatagramPacket) msg;
            ByteBuf c = p.content();
            int ri = c.readerIndex();
            if (c.readableBytes() >= HEADER && c.getByte(ri) == MAGIC && c.getInt(ri + 4) == step) {
                echoed++;
            }
            if (!gso) {
                ctx.write(new DatagramPacket(c, p.sender()), ctx.voidPromise());
                return;
            }
            Batch b = batches.get(p.sender());
            if (b == null) {
                batches.put(p.sender(), new Batch(c));
                return;
            }
            if (b.size != c.readableBytes() || b.count == GSO_BYTES / b.size) {
                b.writeTo(ctx, p.sender());
                batches.put(p.sender(), new Batch(c));
                return;
            }
            if (b.count == 1) { // a second packet to the same address: start a contiguous GSO buffer
                ByteBuf first = b.buf;
                b.buf = ctx.alloc().directBuffer(GSO_BYTES / b.size * b.size);
                b.buf.writeBytes(first);
                first.release();
            }
            b.buf.writeBytes(c);
            b.count++;
            c.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!batches.isEmpty()) {
                batches.forEach((to, b) -> b.writeTo(ctx, to));
                batches.clear();
            }
            ctx.flush();
        }
    }

    /** Packets of one read burst going back to one address. */
    private static final class Batch {
        final int size;
        ByteBuf buf;
        int count = 1;

        Batch(ByteBuf first) {
            this.buf = first;
            this.size = first.readableBytes();
        }

        void writeTo(ChannelHandlerContext ctx, InetSocketAddress to) {
            ctx.write(count == 1 ? new DatagramPacket(buf, to) : new SegmentedDatagramPacket(buf, size, to),
                    ctx.voidPromise());
        }
    }
}
