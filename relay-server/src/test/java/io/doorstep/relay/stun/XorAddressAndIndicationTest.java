package io.doorstep.relay.stun;

import static io.doorstep.relay.stun.StunTestSupport.bytes;
import static io.doorstep.relay.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relay.stun.StunAttribute.Data;
import io.doorstep.relay.stun.StunAttribute.XorPeerAddress;
import io.doorstep.relay.stun.StunAttribute.XorRelayedAddress;
import io.doorstep.relay.stun.StunTestSupport.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** XOR of addresses with the magic cookie and transaction ID (RFC 8489 §14.2), and the Data indication path. */
class XorAddressAndIndicationTest {

    private static final TransactionId TID = TransactionId.of(hex("b7e7a701 bc34d686 fa87dfae"));

    private final TrackingAllocator allocator = new TrackingAllocator(true);

    @AfterEach
    void nothingLeaked() {
        allocator.assertAllReleased();
    }

    private byte[] attributeValue(StunAttribute a, TransactionId tid) {
        ByteBuf out = StunCodec.encode(StunMessage.of(StunClass.REQUEST, StunMethod.CREATE_PERMISSION, tid, a),
                allocator, null, false);
        try {
            byte[] all = bytes(out);
            return Arrays.copyOfRange(all, 24, all.length);
        } finally {
            out.release();
        }
    }

    @Test
    void ipv4IsXoredWithTheCookieAndThePortWithItsTopHalf() throws Exception {
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 49152);
        byte[] value = attributeValue(new XorPeerAddress(peer), TID);
        int port = 49152 ^ 0x2112;
        int ip = (203 << 24 | 0 << 16 | 113 << 8 | 7) ^ 0x2112A442;
        assertThat(hex(value)).isEqualTo(String.format("0001%04x%08x", port, ip));
    }

    @Test
    void ipv6IsXoredWithCookieAndTransactionId() throws Exception {
        byte[] ip = InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677").getAddress();
        byte[] pad = hex("2112a442 b7e7a701 bc34d686 fa87dfae"); // cookie || transaction ID
        byte[] xored = new byte[16];
        for (int i = 0; i < 16; i++) {
            xored[i] = (byte) (ip[i] ^ pad[i]);
        }
        InetSocketAddress relayed = new InetSocketAddress(InetAddress.getByAddress(ip), 32853);
        byte[] value = attributeValue(new XorRelayedAddress(relayed), TID);
        assertThat(hex(value)).isEqualTo("0002a147" + hex(xored)); // as in RFC 5769 §2.3
    }

    @Test
    void ipv6XorDependsOnTheTransactionIdButIpv4DoesNot() throws Exception {
        TransactionId other = TransactionId.of(hex("000000000000000000000001"));
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 3478);
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 3478);
        assertThat(attributeValue(new XorPeerAddress(v6), TID)).isNotEqualTo(attributeValue(new XorPeerAddress(v6), other));
        assertThat(attributeValue(new XorPeerAddress(v4), TID)).isEqualTo(attributeValue(new XorPeerAddress(v4), other));
    }

    @Test
    void dataIndicationFastPathMatchesTheGeneralEncoder() throws Exception {
        for (String ip : new String[] {"198.51.100.20", "2001:db8::20"}) {
            InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName(ip), 50000);
            byte[] payload = new byte[1203];
            Arrays.fill(payload, (byte) 0x5A);
            ByteBuf source = Unpooled.directBuffer(1300).writeZero(9).writeBytes(payload).readerIndex(9);
            ByteBuf fast = Indications.data(allocator, peer.getAddress().getAddress(), peer.getPort(), source);
            try {
                assertThat(source.readerIndex()).isEqualTo(9);
                assertThat(source.refCnt()).isEqualTo(1);
                StunMessage decoded = StunCodec.decode(fast);
                assertThat(decoded.describe()).isEqualTo("DATA INDICATION");
                assertThat(decoded.attributes()).containsExactly(new XorPeerAddress(peer), new Data(payload));
                ByteBuf general = StunCodec.encode(decoded, allocator, null, false);
                try {
                    assertThat(hex(general)).isEqualTo(hex(fast));
                } finally {
                    general.release();
                }
            } finally {
                fast.release();
                source.release();
            }
            assertThat(fast.refCnt()).isZero();
            assertThat(source.refCnt()).isZero();
        }
    }

    @Test
    void sendIndicationPayloadCanBeForwardedWithoutAnotherCopy() throws Exception {
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("198.51.100.20"), 50000);
        StunMessage send = StunMessage.of(StunClass.INDICATION, StunMethod.SEND, TransactionId.random(),
                new XorPeerAddress(peer), new Data(hex("deadbeef")));
        ByteBuf wire = StunCodec.encode(send, allocator, null, true);
        StunMessage decoded;
        try {
            decoded = StunCodec.decode(wire);
        } finally {
            wire.release(); // the decoded message holds no reference to it
        }
        byte[] data = decoded.first(Data.class).orElseThrow().value();
        ByteBuf toPeer = Unpooled.wrappedBuffer(data);
        assertThat(toPeer.array()).isSameAs(data);
        toPeer.release();
        assertThat(wire.refCnt()).isZero();
    }

    @Test
    void transactionIdsAreValues() {
        byte[] bytes = hex("b7e7a701 bc34d686 fa87dfae");
        TransactionId a = TransactionId.of(bytes);
        bytes[0] = 0; // a copy was taken
        assertThat(a).isEqualTo(TID).hasSameHashCodeAs(TID).hasToString("b7e7a701bc34d686fa87dfae");
        assertThat(a.toByteArray()).isEqualTo(hex("b7e7a701 bc34d686 fa87dfae"));
        assertThat(TransactionId.random()).isNotEqualTo(TransactionId.random());
        assertThat(TransactionId.random().toByteArray()).hasSize(TransactionId.LENGTH);
    }
}
