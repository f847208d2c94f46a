package io.doorstep.relay.stun;

import static io.doorstep.relay.stun.StunTestSupport.buffer;
import static io.doorstep.relay.stun.StunTestSupport.bytes;
import static io.doorstep.relay.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.relay.stun.StunAttribute.AdditionalAddressFamily;
import io.doorstep.relay.stun.StunAttribute.AddressErrorCode;
import io.doorstep.relay.stun.StunAttribute.AlternateDomain;
import io.doorstep.relay.stun.StunAttribute.AlternateServer;
import io.doorstep.relay.stun.StunAttribute.ChannelNumber;
import io.doorstep.relay.stun.StunAttribute.ConnectionId;
import io.doorstep.relay.stun.StunAttribute.Data;
import io.doorstep.relay.stun.StunAttribute.DontFragment;
import io.doorstep.relay.stun.StunAttribute.ErrorCode;
import io.doorstep.relay.stun.StunAttribute.EvenPort;
import io.doorstep.relay.stun.StunAttribute.Fingerprint;
import io.doorstep.relay.stun.StunAttribute.Icmp;
import io.doorstep.relay.stun.StunAttribute.Lifetime;
import io.doorstep.relay.stun.StunAttribute.MappedAddress;
import io.doorstep.relay.stun.StunAttribute.MessageIntegrity;
import io.doorstep.relay.stun.StunAttribute.MessageIntegritySha256;
import io.doorstep.relay.stun.StunAttribute.Nonce;
import io.doorstep.relay.stun.StunAttribute.PasswordAlgorithm;
import io.doorstep.relay.stun.StunAttribute.PasswordAlgorithms;
import io.doorstep.relay.stun.StunAttribute.Realm;
import io.doorstep.relay.stun.StunAttribute.RequestedAddressFamily;
import io.doorstep.relay.stun.StunAttribute.RequestedTransport;
import io.doorstep.relay.stun.StunAttribute.ReservationToken;
import io.doorstep.relay.stun.StunAttribute.Software;
import io.doorstep.relay.stun.StunAttribute.Unknown;
import io.doorstep.relay.stun.StunAttribute.UnknownAttributes;
import io.doorstep.relay.stun.StunAttribute.Username;
import io.doorstep.relay.stun.StunAttribute.Userhash;
import io.doorstep.relay.stun.StunAttribute.XorMappedAddress;
import io.doorstep.relay.stun.StunAttribute.XorPeerAddress;
import io.doorstep.relay.stun.StunAttribute.XorRelayedAddress;
import io.doorstep.relay.stun.StunTestSupport.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every attribute record survives encode then decode, and the wire bytes of each are what the RFCs draw. */
class AttributeRoundTripTest {

    static final TransactionId TID = TransactionId.of(hex("0102030405060708090a0b0c"));

    private final TrackingAllocator allocator = new TrackingAllocator(false);

    @AfterEach
    void nothingLeaked() {
        allocator.assertAllReleased();
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** At least one sample of every record, both families for every address attribute, edge values included. */
    static List<StunAttribute> samples() {
        List<StunAttribute> s = new ArrayList<>();
        for (InetSocketAddress a : List.of(address("192.0.2.1", 32853), address("2001:db8::1", 3478),
                address("0.0.0.0", 0), address("255.255.255.255", 65535))) {
            s.add(new MappedAddress(a));
            s.add(new XorMappedAddress(a));
            s.add(new XorPeerAddress(a));
            s.add(new XorRelayedAddress(a));
            s.add(new AlternateServer(a));
        }
        s.add(new Username("alice"));
        s.add(new Username("1735689600:station-0042"));
        s.add(new Username("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9"));
        s.add(new Username(""));
        s.add(new Userhash(new byte[32]));
        s.add(new MessageIntegrity(hex("9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2")));
        s.add(new MessageIntegritySha256(new byte[16]));
        s.add(new MessageIntegritySha256(new byte[32]));
        s.add(new Fingerprint(0xe57a3bcf));
        s.add(new ErrorCode(401, "Unauthenticated"));
        s.add(ErrorCode.of(ErrorCodes.ALLOCATION_QUOTA_REACHED));
        s.add(new ErrorCode(699, ""));
        s.add(new ErrorCode(300, "\u8bf7\u91cd\u8bd5")); // "请重试": UTF-8 reason
        s.add(new Realm("doorstep.pudong.gov.cn"));
        s.add(new Nonce("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"));
        s.add(new PasswordAlgorithms(List.of(PasswordAlgorithm.of(PasswordAlgorithm.SHA_256),
                PasswordAlgorithm.of(PasswordAlgorithm.MD5))));
        s.add(new PasswordAlgorithms(List.of(new PasswordAlgorithm(0x1234, hex("abcdef")),
                PasswordAlgorithm.of(PasswordAlgorithm.MD5))));
        s.add(new PasswordAlgorithms(List.of()));
        s.add(PasswordAlgorithm.of(PasswordAlgorithm.MD5));
        s.add(new PasswordAlgorithm(0xFFFF, hex("0102030405")));
        s.add(new UnknownAttributes(List.of(0x0024, 0x7FFF, 0x0001)));
        s.add(new UnknownAttributes(List.of(0x0024, 0x0025)));
        s.add(new Software("Doorstep relay 0.1"));
        s.add(new AlternateDomain("turn2.doorstep.example"));
        s.add(new ChannelNumber(0x4000));
        s.add(new ChannelNumber(0x4FFF));
        s.add(new ChannelNumber(0xFFFF)); // invalid for TURN, but it must decode so the server can say 400
        s.add(new Lifetime(600));
        s.add(new Lifetime(0));
        s.add(new Lifetime(0xFFFF_FFFFL));
        s.add(new Data(new byte[0]));
        s.add(new Data(hex("01")));
        s.add(new Data(new byte[1203]));
        s.add(new RequestedAddressFamily(StunAttribute.FAMILY_IPV4));
        s.add(new RequestedAddressFamily(StunAttribute.FAMILY_IPV6));
        s.add(new EvenPort(true));
        s.add(new EvenPort(false));
        s.add(new RequestedTransport(RequestedTransport.UDP));
        s.add(new RequestedTransport(RequestedTransport.TCP));
        s.add(new DontFragment());
        s.add(new ReservationToken(hex("0011223344556677")));
        s.add(new AdditionalAddressFamily(StunAttribute.FAMILY_IPV6));
        s.add(new AddressErrorCode(StunAttribute.FAMILY_IPV6, 440, "Address Family not Supported"));
        s.add(new Icmp(3, 4, 1400)); // fragmentation needed, next-hop MTU 1400
        s.add(new Icmp(127, 511, -1));
        s.add(new ConnectionId(0x8000_0001));
        s.add(new Unknown(AttributeType.PRIORITY, hex("6e0001ff")));
        s.add(new Unknown(0x7ABC, new byte[0]));
        s.add(new Unknown(0xC001, hex("0102030405")));
        return s;
    }

    @ParameterizedTest
    @MethodSource("samples")
    void roundTrips(StunAttribute attribute) throws Exception {
        StunMessage message = StunMessage.of(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE, TID, attribute);
        ByteBuf wire = StunCodec.encode(message, allocator, null, false);
        try {
            assertThat(wire.readableBytes() % 4).isZero();
            assertThat(StunCodec.looksLikeStun(wire)).isTrue();
            StunMessage decoded = StunCodec.decode(wire);
            assertThat(decoded).isEqualTo(message);
            assertThat(decoded.attributes().get(0).getClass()).isEqualTo(attribute.getClass());
            assertThat(decoded.hashCode()).isEqualTo(message.hashCode());
        } finally {
            wire.release();
        }
    }

    @Test
    void everyAttributeTypeConstantHasARecordSample() throws Exception {
        Set<Integer> covered = new TreeSet<>();
        for (StunAttribute a : samples()) {
            if (!(a instanceof Unknown)) {
                covered.add(a.type());
            }
        }
        Set<Integer> iceTypes = Set.of(AttributeType.PRIORITY, AttributeType.USE_CANDIDATE,
                AttributeType.ICE_CONTROLLED, AttributeType.ICE_CONTROLLING);
        for (Field f : AttributeType.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                int type = f.getInt(null);
                if (!iceTypes.contains(type)) {
                    assertThat(covered).as(f.getName()).contains(type);
                }
                assertThat(AttributeType.name(type)).isEqualTo(f.getName().replace('_', '-'));
            }
        }
    }

    /** Values laid out as RFC 8489 §14 and RFC 8656 §18 draw them, padding included. */
    @Test
    void wireBytesMatchTheRfcFigures() {
        assertWire(new EvenPort(true), "0018 0001 80 000000");
        assertWire(new EvenPort(false), "0018 0001 00 000000");
        assertWire(new ChannelNumber(0x4001), "000c 0004 4001 0000");
        assertWire(new Lifetime(600), "000d 0004 00000258");
        assertWire(new RequestedTransport(RequestedTransport.UDP), "0019 0004 11 000000");
        assertWire(new RequestedAddressFamily(2), "0017 0004 02 000000");
        assertWire(new AdditionalAddressFamily(2), "8000 0004 02 000000");
        assertWire(new DontFragment(), "001a 0000");
        assertWire(new ReservationToken(hex("0102030405060708")), "0022 0008 0102030405060708");
        assertWire(new ConnectionId(0x01020304), "002a 0004 01020304");
        assertWire(new ErrorCode(438, "Stale Nonce"), "0009 000f 0000 04 26 5374616c65204e6f6e6365 00");
        assertWire(new AddressErrorCode(1, 508, "x"), "8001 0005 01 00 05 08 78 000000");
        assertWire(new Icmp(3, 4, 1400), "8004 0008 0000 0604 00000578"); // 7-bit type, 9-bit code
        assertWire(new UnknownAttributes(List.of(0x0024, 0x7001, 0x0025)), "000a 0006 0024 7001 0025 0000");
        assertWire(new Data(hex("aabbcc")), "0013 0003 aabbcc 00");
        assertWire(PasswordAlgorithm.of(PasswordAlgorithm.SHA_256), "001d 0004 0002 0000");
        assertWire(new PasswordAlgorithms(List.of(new PasswordAlgorithm(1, hex("ff")),
                PasswordAlgorithm.of(2))), "8002 000c 0001 0001 ff000000 0002 0000");
        assertWire(new MappedAddress(address("192.0.2.1", 32853)), "0001 0008 00 01 8055 c0000201");
        // RFC 5769 §2.2: the same address XOR-ed.
        assertWire(new XorMappedAddress(address("192.0.2.1", 32853)), "0020 0008 00 01 a147 e112a643");
        assertWire(new Username("evtj:h6vY"), "0006 0009 6576746a3a68367659 000000");
    }

    private void assertWire(StunAttribute attribute, String expectedHex) {
        StunMessage m = StunMessage.of(StunClass.REQUEST, StunMethod.ALLOCATE, TID, attribute);
        ByteBuf wire = StunCodec.encode(m, allocator, null, false);
        try {
            byte[] all = bytes(wire);
            byte[] body = java.util.Arrays.copyOfRange(all, StunCodec.HEADER_LENGTH, all.length);
            assertThat(hex(body)).as(attribute.toString()).isEqualTo(hex(hex(expectedHex)));
            assertThat(wire.getUnsignedShort(2)).isEqualTo(body.length);
        } finally {
            wire.release();
        }
    }

    @Test
    void attributesKeepTheirOrderAndRepeats() throws Exception {
        List<StunAttribute> all = samples();
        StunMessage message = new StunMessage(StunClass.REQUEST, StunMethod.CREATE_PERMISSION, TID, all.stream()
                .filter(a -> !(a instanceof MessageIntegrity || a instanceof MessageIntegritySha256
                        || a instanceof Fingerprint))
                .toList());
        ByteBuf wire = StunCodec.encode(message, allocator, null, false);
        try {
            assertThat(StunCodec.decode(wire)).isEqualTo(message);
        } finally {
            wire.release();
        }
        assertThat(message.all(XorPeerAddress.class)).hasSize(4);
        assertThat(message.first(XorPeerAddress.class).orElseThrow().address())
                .isEqualTo(address("192.0.2.1", 32853));
    }

    @Test
    void ipv4MappedIpv6AddressKeepsItsFamily() throws Exception {
        byte[] mapped = hex("00000000000000000000ffffc0000201");
        InetSocketAddress a = new InetSocketAddress(java.net.Inet6Address.getByAddress(null, mapped, -1), 5000);
        StunMessage m = StunMessage.of(StunClass.INDICATION, StunMethod.SEND, TID, new XorPeerAddress(a));
        ByteBuf wire = StunCodec.encode(m, allocator, null, false);
        try {
            assertThat((int) wire.getUnsignedByte(StunCodec.HEADER_LENGTH + 5)).isEqualTo(StunAttribute.FAMILY_IPV6);
            assertThat(StunCodec.decode(wire)).isEqualTo(m);
        } finally {
            wire.release();
        }
    }

    @Test
    void senderLimitsAreEnforcedAndTheBufferIsReleased() {
        String longNonce = "n".repeat(128);
        assertEncodeRefused(new Nonce(longNonce), "fewer than 128 characters");
        assertEncodeRefused(new Realm("\u00e9".repeat(128)), "fewer than 128 characters");
        assertEncodeRefused(new Software("s".repeat(200)), "fewer than 128 characters");
        assertEncodeRefused(new ErrorCode(400, "r".repeat(128)), "fewer than 128 characters");
        assertEncodeRefused(new Username("u".repeat(509)), "at most 508");
        assertEncodeRefused(new AlternateDomain("d".repeat(256)), "at most 255");
        assertEncodeRefused(new Username("bad\ud800surrogate"), "unpaired surrogate");
        assertEncodeRefused(new Data(new byte[0x10000]), "exceeds the 16-bit attribute length");
        // 127 characters (up to 508 bytes) is fine; so is a 508-byte USERNAME.
        encodeAndRelease(new Nonce("n".repeat(127)));
        encodeAndRelease(new Realm("\u4e2d".repeat(127)));
        encodeAndRelease(new Username("u".repeat(508)));
        assertThat(allocator.allocations()).isEqualTo(11);
    }

    @Test
    void receiverLimitsAreTheRfc5389Ones() throws Exception {
        // A 763-byte NONCE (RFC 5389 allowed it) decodes; 764 does not.
        StunMessage ok = decodeWith(AttributeType.NONCE, "a".repeat(763).getBytes());
        assertThat(ok.first(Nonce.class).orElseThrow().value()).hasSize(763);
        assertThatThrownBy(() -> decodeWith(AttributeType.NONCE, "a".repeat(764).getBytes()))
                .isInstanceOf(StunParseException.class).hasMessageContaining("763");
        assertThatThrownBy(() -> decodeWith(AttributeType.ALTERNATE_DOMAIN, "a".repeat(256).getBytes()))
                .isInstanceOf(StunParseException.class);
    }

    static StunMessage decodeWith(int type, byte[] value) throws StunParseException {
        ByteBuf raw = io.netty.buffer.Unpooled.buffer();
        try {
            int padded = (value.length + 3) & ~3;
            raw.writeShort(0x0001).writeShort(4 + padded).writeInt(StunCodec.MAGIC_COOKIE).writeBytes(TID.toByteArray());
            raw.writeShort(type).writeShort(value.length).writeBytes(value).writeZero(padded - value.length);
            return StunCodec.decode(raw);
        } finally {
            raw.release();
        }
    }

    private void encodeAndRelease(StunAttribute a) {
        StunCodec.encode(StunMessage.of(StunClass.REQUEST, StunMethod.BINDING, TID, a), allocator, null, false)
                .release();
    }

    private void assertEncodeRefused(StunAttribute a, String why) {
        StunMessage m = StunMessage.of(StunClass.REQUEST, StunMethod.BINDING, TID, a);
        assertThatThrownBy(() -> StunCodec.encode(m, allocator, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
    }

    @Test
    void recordsRefuseUnrepresentableValues() {
        assertThatThrownBy(() -> new ChannelNumber(0x10000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Lifetime(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Lifetime(0x1_0000_0000L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrorCode(299, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrorCode(700, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Userhash(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageIntegrity(new byte[32])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageIntegritySha256(new byte[18])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageIntegritySha256(new byte[36])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReservationToken(new byte[4])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestedTransport(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Icmp(128, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Icmp(0, 512, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new XorPeerAddress(InetSocketAddress.createUnresolved("example.org", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UnknownAttributes(List.of(0x10000))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Unknown(-1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringIsFitForLogs() {
        assertThat(new Data(new byte[1200])).hasToString("Data[1200 bytes]");
        assertThat(new ChannelNumber(0x4001)).hasToString("ChannelNumber[0x4001]");
        assertThat(new Unknown(AttributeType.PRIORITY, hex("6e0001ff"))).hasToString("Unknown[PRIORITY, 6e0001ff]");
        assertThat(new UnknownAttributes(List.of(0x0024, 0x7001))).hasToString("UnknownAttributes[PRIORITY, 0x7001]");
        assertThat(PasswordAlgorithm.of(PasswordAlgorithm.SHA_256)).hasToString("PasswordAlgorithm[SHA-256]");
        assertThat(new ConnectionId(-1)).hasToString("ConnectionId[4294967295]");
        assertThat(Integrity.sha1AndSha256(new byte[] {1, 2})).hasToString("Integrity[SHA1+SHA256/32]");
    }
}
