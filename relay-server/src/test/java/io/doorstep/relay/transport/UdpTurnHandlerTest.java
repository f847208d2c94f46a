package io.doorstep.relay.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relay.allocation.Quotas;
import io.doorstep.relay.allocation.RelayPorts;
import io.doorstep.relay.auth.Credentials;
import io.doorstep.relay.auth.NonceManager;
import io.doorstep.relay.metrics.RelayMetrics;
import io.doorstep.relay.policy.PeerAddressPolicy;
import io.doorstep.relay.server.LeakCheck;
import io.doorstep.relay.stun.ErrorCodes;
import io.doorstep.relay.stun.StunAttribute;
import io.doorstep.relay.stun.StunClass;
import io.doorstep.relay.stun.StunCodec;
import io.doorstep.relay.stun.StunMessage;
import io.doorstep.relay.stun.StunMethod;
import io.doorstep.relay.stun.StunParseException;
import io.doorstep.relay.stun.TransactionId;
import io.doorstep.relay.turn.Allocator;
import io.doorstep.relay.turn.TurnGateway;
import io.doorstep.relay.turn.TurnService;
import io.doorstep.relay.turn.TurnSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The UDP listener's handler on an {@link EmbeddedChannel}: demultiplexing, answers to the sender, drops counted,
 * every datagram released, and the socket never closed for a bad one. (Allocations need real relay sockets and
 * are covered end to end by TurnServerTest.)
 */
@ExtendWith(LeakCheck.class)
class UdpTurnHandlerTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);
    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmbeddedChannel channel;
    private final List<DatagramPacket> received = new ArrayList<>();

    UdpTurnHandlerTest() {
        RelayMetrics metrics = new RelayMetrics(registry, () -> 0);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        TurnSettings settings = new TurnSettings("doorstep", "Doorstep relay", Duration.ofMinutes(10),
                Duration.ofHours(1), loopback, loopback, 0, null, null);
        channel = new EmbeddedChannel();
        Allocator allocator = new Allocator(settings, new Quotas(10, 100), new RelayPorts(50000, 50010), metrics,
                NioDatagramChannel.class, channel.eventLoop());
        PeerAddressPolicy policy = new PeerAddressPolicy(List.of(), List.of(), List.of(loopback));
        TurnService service = new TurnService(settings, new Credentials(Map.of("alice", "pw"), null, Clock.systemUTC()),
                new NonceManager(Duration.ofMinutes(10), Clock.systemUTC()), policy, allocator, metrics);
        channel.pipeline().addLast(new UdpTurnHandler(new TurnGateway(service, allocator, policy, metrics), metrics));
    }

    @AfterEach
    void everyDatagramReleased() {
        assertThat(received).allSatisfy(p -> assertThat(p.refCnt()).as("datagram released").isZero());
        assertThat(channel.isOpen()).as("a bad datagram never closes the socket").isTrue();
        assertThat(channel.finishAndReleaseAll()).as("nothing left over").isFalse();
    }

    private void receive(byte[] bytes) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        DatagramPacket p = new DatagramPacket(buf, SERVER, CLIENT);
        received.add(p);
        channel.writeInbound(p);
    }

    private StunMessage answer() throws StunParseException {
        DatagramPacket out = channel.readOutbound();
        assertThat(out).as("an answer").isNotNull();
        try {
            assertThat(out.recipient()).isEqualTo(CLIENT);
            return StunCodec.decode(out.content());
        } finally {
            out.release();
        }
    }

    private static byte[] encode(StunMessage m) {
        ByteBuf b = StunCodec.encode(m, UnpooledByteBufAllocator.DEFAULT, null, false);
        try {
            return io.netty.buffer.ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    private boolean nothingSent() {
        Object out = channel.readOutbound();
        return out == null;
    }

    private double dropped(String reason) {
        return registry.get("doorstep.relay.dropped").tag("reason", reason).counter().count();
    }

    @Test
    void bindingIsAnsweredToTheSender() throws Exception {
        receive(encode(StunMessage.request(StunMethod.BINDING)));

        StunMessage m = answer();
        assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(m.first(StunAttribute.XorMappedAddress.class).orElseThrow().address()).isEqualTo(CLIENT);
        assertThat(nothingSent()).isTrue();
    }

    @Test
    void anUnauthenticatedAllocateIsChallenged() throws Exception {
        receive(encode(StunMessage.request(StunMethod.ALLOCATE,
                new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP))));

        StunMessage m = answer();
        assertThat(m.first(StunAttribute.ErrorCode.class).orElseThrow().code()).isEqualTo(ErrorCodes.UNAUTHENTICATED);
        assertThat(m.first(StunAttribute.Nonce.class)).isPresent();
    }

    @Test
    void garbageAndTruncatedStunAreDroppedAsMalformed() {
        byte[] binding = encode(StunMessage.request(StunMethod.BINDING, new StunAttribute.Software("x")));
        receive(new byte[] {(byte) 0xFF, 1, 2, 3, 4, 5, 6, 7});
        receive(java.util.Arrays.copyOf(binding, binding.length - 4));
        receive(new byte[0]);

        assertThat(nothingSent()).isTrue();
        assertThat(dropped("malformed")).isEqualTo(3);
    }

    @Test
    void channelDataWithoutAnAllocationIsDropped() {
        receive(new byte[] {0x40, 0x00, 0x00, 0x02, 7, 7});

        assertThat(nothingSent()).isTrue();
        assertThat(dropped("no_allocation")).isEqualTo(1);
    }

    @Test
    void responsesAndIndicationsGetNoAnswer() {
        receive(encode(StunMessage.of(StunClass.SUCCESS_RESPONSE, StunMethod.BINDING, TransactionId.random())));
        receive(encode(StunMessage.of(StunClass.INDICATION, StunMethod.DATA, TransactionId.random())));

        assertThat(nothingSent()).isTrue();
    }
}
