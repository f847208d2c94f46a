package io.doorstep.relay.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relay.allocation.Allocation;
import io.doorstep.relay.allocation.ClientLink;
import io.doorstep.relay.allocation.LoopFlush;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.policy.PeerAddressPolicy;
import io.doorstep.relay.server.LeakCheck;
import io.doorstep.relay.stun.StunAttribute;
import io.doorstep.relay.stun.StunClass;
import io.doorstep.relay.stun.StunCodec;
import io.doorstep.relay.stun.StunMessage;
import io.doorstep.relay.stun.StunMethod;
import io.doorstep.relay.stun.TransactionId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The forwarding path allocates nothing per packet that it can avoid, in all four forms: ChannelData and Send
 * indications from the client, ChannelData and Data indications to it. Packets go through the real code (the
 * gateway a client socket hands them to, and the relay socket's {@link PeerHandler}) on embedded channels, and the
 * bytes this thread allocated are counted. The one object per packet left is the datagram envelope Netty needs to
 * write to an unconnected UDP socket (24 bytes). Inputs are made before counting (the socket would make them);
 * counting runs with leak tracking off, since the tracker's records are allocations of its own; the warm-up runs
 * the same packets under paranoid tracking, and {@link LeakCheck} fails the class on a leak.
 */
@ExtendWith(LeakCheck.class)
class SteadyStateAllocationTest {
    private static final int PACKETS = 20_000;
    /** The 24-byte envelope, and room for the sampled latency timer's share; any second object breaks it. */
    private static final double MAX_BYTES_PER_PACKET = 32;
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    private static final InetSocketAddress CLIENT = address("203.0.113.9", 40000);
    private static final InetSocketAddress RELAYED = address("203.0.113.1", 50000);
    private static final InetSocketAddress BOUND_PEER = address("198.51.100.1", 5000);
    private static final InetSocketAddress OTHER_PEER = address("198.51.100.2", 6000);
    private static final int CHANNEL = 0x4000;

    private final RelayMetrics metrics = new RelayMetrics(new SimpleMeterRegistry(), () -> 1);
    private final EmbeddedChannel listener = new EmbeddedChannel();
    private final PeerHandler peerHandler = new PeerHandler(metrics);
    private final EmbeddedChannel relay = new EmbeddedChannel(peerHandler);
    private final Allocation allocation;
    private final TurnGateway gateway = new TurnGateway(null, null,
            new PeerAddressPolicy(List.of(), List.of(), List.of(RELAYED.getAddress())), metrics);
    private final FlushBatch batch = gateway.newFlushBatch();

    SteadyStateAllocationTest() {
        ClientLink client = new ClientLink.Udp(listener, CLIENT, new LoopFlush(listener, metrics.toClientLatency()));
        allocation = new Allocation("alice", new byte[16], client, relay, RELAYED, System.nanoTime() + 600_000_000_000L,
                0);
        peerHandler.attach(allocation);
        relay.config().setAllocator(ALLOC); // as UdpSockets configures relay sockets
        long now = System.nanoTime();
        allocation.bind(CHANNEL, BOUND_PEER, now);
        allocation.permit(OTHER_PEER.getAddress(), now);
    }

    @AfterEach
    void nothingLeftOver() {
        assertThat(listener.finishAndReleaseAll()).isFalse();
        assertThat(relay.finishAndReleaseAll()).isFalse();
    }

    @Test
    void channelDataToThePeer() {
        assertSteadyStateFree(buffer(channelData(1200)), this::fromClient, relay, BOUND_PEER);
    }

    @Test
    void sendIndicationToThePeer() {
        assertSteadyStateFree(buffer(sendIndication(OTHER_PEER, 1200)), this::fromClient, relay, OTHER_PEER);
    }

    @Test
    void channelDataToTheClient() {
        assertSteadyStateFree(peerDatagram(BOUND_PEER, 1200), this::fromPeer, listener, CLIENT);
    }

    @Test
    void dataIndicationToTheClient() {
        assertSteadyStateFree(peerDatagram(OTHER_PEER, 1200), this::fromPeer, listener, CLIENT);
    }

    /** As a client socket hands a received message over: the message is the caller's, released after. */
    private void fromClient(ByteBufHolder received) {
        ByteBuf message = received.content();
        try {
            if (!gateway.relayed(allocation, message, batch)) { // no assertThat here: it allocates
                throw new AssertionError("not taken for a packet to relay");
            }
        } finally {
            message.release();
        }
        batch.flush();
    }

    /** As a relay socket reads a datagram: the handler owns (and releases) it. */
    private void fromPeer(ByteBufHolder datagram) {
        relay.pipeline().fireChannelRead(datagram);
        listener.runPendingTasks(); // the client's LoopFlush
    }

    /**
     * Forwards one input {@value #PACKETS} times under paranoid leak tracking (warm-up), then as often again with
     * its allocations counted. The input is reused, retained for each pass (a socket would make a new one). Runs
     * on a Netty thread, as an event loop would: Netty keeps its buffer and object caches for those threads only.
     */
    private void assertSteadyStateFree(ByteBufHolder input, Consumer<ByteBufHolder> forward, EmbeddedChannel out,
                                       InetSocketAddress recipient) {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread loop = new FastThreadLocalThread(() -> {
            try {
                result.set(bytesPerPacket(input, forward, out, recipient));
            } catch (Throwable t) {
                result.set(t);
            }
        });
        loop.start();
        assertThat(catching(loop::join)).isNull();
        assertThat(result.get()).as("bytes allocated per forwarded packet").isInstanceOf(Double.class);
        assertThat((double) result.get()).as("bytes allocated per forwarded packet").isLessThan(MAX_BYTES_PER_PACKET);
    }

    private double bytesPerPacket(ByteBufHolder input, Consumer<ByteBufHolder> forward, EmbeddedChannel out,
                                  InetSocketAddress recipient) {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ByteBufHolder untracked;
        try {
            forwardAll(input, forward, out, recipient);
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED); // or the copy would be tracked
            untracked = input.replace(ALLOC.directBuffer().writeBytes(input.content(), 0,
                    input.content().writerIndex()));
        } finally {
            input.release();
        }
        try {
            long before = allocatedBytes();
            forwardAll(untracked, forward, out, recipient);
            return (double) (allocatedBytes() - before) / PACKETS;
        } finally {
            untracked.release();
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static Throwable catching(org.junit.jupiter.api.function.Executable e) {
        try {
            e.execute();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Forwards the input again and again, releasing what comes out (checking where it went) each time. */
    private static void forwardAll(ByteBufHolder input, Consumer<ByteBufHolder> forward, EmbeddedChannel out,
                                   InetSocketAddress recipient) {
        int end = input.content().writerIndex();
        for (int i = 0; i < PACKETS; i++) {
            input.content().setIndex(0, end); // the relay narrows a message to its payload
            forward.accept(input.retain());
            DatagramPacket sent = out.readOutbound();
            if (sent == null || !sent.recipient().equals(recipient)) {
                throw new AssertionError("packet " + i + " not forwarded to " + recipient + ": " + sent);
            }
            sent.release();
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static DatagramPacket peerDatagram(InetSocketAddress peer, int length) {
        return new DatagramPacket(ALLOC.directBuffer(length).writeZero(length), RELAYED, peer);
    }

    /** A client's message; the holder is only a handle on the buffer (a client socket's datagram carries it so). */
    private static ByteBufHolder buffer(byte[] bytes) {
        return new DefaultByteBufHolder(ALLOC.directBuffer(bytes.length).writeBytes(bytes));
    }

    private static byte[] channelData(int length) {
        byte[] m = new byte[4 + length];
        m[0] = (byte) (CHANNEL >>> 8);
        m[2] = (byte) (length >>> 8);
        m[3] = (byte) length;
        return m;
    }

    private static byte[] sendIndication(InetSocketAddress peer, int length) {
        StunMessage m = StunMessage.of(StunClass.INDICATION, StunMethod.SEND, TransactionId.random(),
                new StunAttribute.XorPeerAddress(peer), new StunAttribute.Data(new byte[length]));
        ByteBuf b = StunCodec.encode(m, ALLOC, null, false);
        try {
            return io.netty.buffer.ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
