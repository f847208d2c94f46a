package io.doorstep.relay.stun;

import static io.doorstep.relay.stun.StunTestSupport.buffer;
import static io.doorstep.relay.stun.StunTestSupport.bytes;
import static io.doorstep.relay.stun.StunTestSupport.directOffsetBuffer;
import static io.doorstep.relay.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relay.stun.StunAttribute.Fingerprint;
import io.doorstep.relay.stun.StunAttribute.MessageIntegrity;
import io.doorstep.relay.stun.StunAttribute.Nonce;
import io.doorstep.relay.stun.StunAttribute.Realm;
import io.doorstep.relay.stun.StunAttribute.Software;
import io.doorstep.relay.stun.StunAttribute.Unknown;
import io.doorstep.relay.stun.StunAttribute.Username;
import io.doorstep.relay.stun.StunAttribute.XorMappedAddress;
import io.doorstep.relay.stun.StunTestSupport.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every test vector of RFC 5769, decoded, verified with the RFC's passwords and re-encoded.
 *
 * <p>Vectors 2.1–2.3 fill attribute padding with spaces (0x20); RFC 8489 §14 lets padding hold anything and
 * this encoder writes zeros, so those three re-encode identically except in the padding bytes, and therefore in
 * the HMAC and CRC that cover them. Vector 2.4 pads with zeros and re-encodes byte for byte, MESSAGE-INTEGRITY
 * computed from the SASLprep'd password included.
 */
class Rfc5769VectorsTest {

    /** §2: the short-term password of vectors 2.1–2.3. */
    private static final byte[] SHORT_TERM_KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
    private static final TransactionId TID_2_1 = TransactionId.of(hex("b7e7a701 bc34d686 fa87dfae"));

    static final String SAMPLE_REQUEST = """
            00 01 00 58     # Request type and message length
            21 12 a4 42     # Magic cookie
            b7 e7 a7 01 bc 34 d6 86 fa 87 df ae   # Transaction ID
            80 22 00 10     # SOFTWARE attribute header
            53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74   # "STUN test client"
            00 24 00 04     # PRIORITY attribute header
            6e 00 01 ff     # ICE priority value
            80 29 00 08     # ICE-CONTROLLED attribute header
            93 2f f9 b1 51 26 3b 36   # tie breaker
            00 06 00 09     # USERNAME attribute header
            65 76 74 6a 3a 68 36 76 59 20 20 20   # "evtj:h6vY" and padding (3 bytes of 0x20)
            00 08 00 14     # MESSAGE-INTEGRITY attribute header
            9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
            80 28 00 04     # FINGERPRINT attribute header
            e5 7a 3b cf     # CRC32 fingerprint
            """;

    static final String IPV4_RESPONSE = """
            01 01 00 3c     # Response type and message length
            21 12 a4 42     # Magic cookie
            b7 e7 a7 01 bc 34 d6 86 fa 87 df ae   # Transaction ID
            80 22 00 0b     # SOFTWARE attribute header
            74 65 73 74 20 76 65 63 74 6f 72 20   # "test vector" and padding (0x20)
            00 20 00 08     # XOR-MAPPED-ADDRESS attribute header
            00 01 a1 47     # family IPv4, xor'd port
            e1 12 a6 43     # xor'd IPv4 address
            00 08 00 14     # MESSAGE-INTEGRITY attribute header
            2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04     # FINGERPRINT attribute header
            c0 7d 4c 96     # CRC32 fingerprint
            """;

    static final String IPV6_RESPONSE = """
            01 01 00 48     # Response type and message length
            21 12 a4 42     # Magic cookie
            b7 e7 a7 01 bc 34 d6 86 fa 87 df ae   # Transaction ID
            80 22 00 0b     # SOFTWARE attribute header
            74 65 73 74 20 76 65 63 74 6f 72 20   # "test vector" and padding (0x20)
            00 20 00 14     # XOR-MAPPED-ADDRESS attribute header
            00 02 a1 47     # family IPv6, xor'd port
            01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9   # xor'd IPv6 address
            00 08 00 14     # MESSAGE-INTEGRITY attribute header
            a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04     # FINGERPRINT attribute header
            c8 fb 0b 4c     # CRC32 fingerprint
            """;

    static final String LONG_TERM_REQUEST = """
            00 01 00 60     # Request type and message length
            21 12 a4 42     # Magic cookie
            78 ad 34 33 c6 ad 72 c0 29 da 41 2e   # Transaction ID
            00 06 00 12     # USERNAME attribute header
            e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00   # 18 bytes and padding (2 bytes)
            00 15 00 1c     # NONCE attribute header
            66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
            00 14 00 0b     # REALM attribute header
            65 78 61 6d 70 6c 65 2e 6f 72 67 00   # "example.org" and padding (1 byte)
            00 08 00 14     # MESSAGE-INTEGRITY attribute header
            f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66
            """;

    /** §2.4 parameters. */
    static final String USERNAME_2_4 = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9"; // "マトリックス"
    static final String PASSWORD_2_4 = "The\u00ADM\u00AAtr\u2168"; // "TheMatrIX" after SASLprep
    static final String REALM_2_4 = "example.org";

    private final TrackingAllocator allocator = new TrackingAllocator(false);

    @AfterEach
    void nothingLeaked() {
        allocator.assertAllReleased();
    }

    @Test
    void sampleRequestDecodesWithIceAttributesKept() throws Exception {
        StunMessage m = decode(SAMPLE_REQUEST);
        assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(m.method()).isEqualTo(StunMethod.BINDING);
        assertThat(m.transactionId()).isEqualTo(TID_2_1);
        assertThat(m.attributes()).containsExactly(
                new Software("STUN test client"),
                new Unknown(AttributeType.PRIORITY, hex("6e0001ff")),
                new Unknown(AttributeType.ICE_CONTROLLED, hex("932ff9b151263b36")),
                new Username("evtj:h6vY"),
                new MessageIntegrity(hex("9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2")),
                new Fingerprint(0xe57a3bcf));
        // PRIORITY (0x0024) is comprehension-required: a server that does not do ICE would answer 420 with it.
        assertThat(m.unknownComprehensionRequired()).containsExactly(AttributeType.PRIORITY);
    }

    @Test
    void sampleRequestIntegrityAndFingerprintVerify() {
        assertVerifies(SAMPLE_REQUEST, SHORT_TERM_KEY);
    }

    @Test
    void sampleRequestReencodesExceptForSpacePadding() throws Exception {
        byte[] vector = hex(SAMPLE_REQUEST);
        StunMessage m = decode(SAMPLE_REQUEST);
        // Verbatim: the received MESSAGE-INTEGRITY and FINGERPRINT records are written back as they are.
        assertThat(encode(m, null, false)).isEqualTo(zeroPadding(vector, 73, 74, 75)); // USERNAME padding
        // Computed: strip them and let the codec sign; same bytes up to the HMAC, and both check out.
        assertReencodesSigned(m, vector, 73, 74, 75);
    }

    @Test
    void ipv4ResponseDecodes() throws Exception {
        StunMessage m = decode(IPV4_RESPONSE);
        assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(m.method()).isEqualTo(StunMethod.BINDING);
        assertThat(m.transactionId()).isEqualTo(TID_2_1);
        assertThat(m.first(Software.class)).contains(new Software("test vector"));
        assertThat(m.first(XorMappedAddress.class).orElseThrow().address())
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
        assertVerifies(IPV4_RESPONSE, SHORT_TERM_KEY);
        assertThat(m.unknownComprehensionRequired()).isEmpty();
    }

    @Test
    void ipv4ResponseReencodesExceptForSpacePadding() throws Exception {
        byte[] vector = hex(IPV4_RESPONSE);
        StunMessage m = decode(IPV4_RESPONSE);
        assertThat(encode(m, null, false)).isEqualTo(zeroPadding(vector, 35));
        assertReencodesSigned(m, vector, 35);
    }

    @Test
    void ipv6ResponseDecodes() throws Exception {
        StunMessage m = decode(IPV6_RESPONSE);
        assertThat(m.first(XorMappedAddress.class).orElseThrow().address()).isEqualTo(new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
        assertVerifies(IPV6_RESPONSE, SHORT_TERM_KEY);
    }

    @Test
    void ipv6ResponseReencodesExceptForSpacePadding() throws Exception {
        byte[] vector = hex(IPV6_RESPONSE);
        StunMessage m = decode(IPV6_RESPONSE);
        assertThat(encode(m, null, false)).isEqualTo(zeroPadding(vector, 35));
        assertReencodesSigned(m, vector, 35);
    }

    @Test
    void longTermRequestDecodesAndVerifiesWithSaslpreppedPassword() throws Exception {
        StunMessage m = decode(LONG_TERM_REQUEST);
        assertThat(m.attributes()).containsExactly(
                new Username(USERNAME_2_4),
                new Nonce("f//499k954d6OL34oL9FSTvy64sA"),
                new Realm(REALM_2_4),
                new MessageIntegrity(hex("f67024656dd64a3e02b8e0712e85c9a28ca89666")));
        byte[] key = LongTermKey.md5(USERNAME_2_4, REALM_2_4, PASSWORD_2_4);
        assertThat(key).isEqualTo(LongTermKey.md5(USERNAME_2_4, REALM_2_4, "TheMatrIX"));
        ByteBuf raw = buffer(hex(LONG_TERM_REQUEST));
        try {
            assertThat(StunCodec.verifyIntegrity(raw, key)).isTrue();
            // Unprepared password: the key differs and the check fails.
            byte[] unprepared = md5((USERNAME_2_4 + ":" + REALM_2_4 + ":" + PASSWORD_2_4));
            assertThat(StunCodec.verifyIntegrity(raw, unprepared)).isFalse();
            assertThat(StunCodec.verifyFingerprint(raw)).isFalse(); // this vector has none
        } finally {
            raw.release();
        }
    }

    @Test
    void longTermRequestReencodesByteForByte() throws Exception {
        byte[] vector = hex(LONG_TERM_REQUEST);
        StunMessage m = decode(LONG_TERM_REQUEST);
        StunMessage unsigned = withoutSecurityAttributes(m);
        byte[] key = LongTermKey.md5(USERNAME_2_4, REALM_2_4, PASSWORD_2_4);
        assertThat(hex(encode(unsigned, Integrity.sha1(key), false))).isEqualTo(hex(vector));
        assertThat(encode(m, null, false)).isEqualTo(vector);
        assertThat(hex(encode(unsigned, Integrity.matching(m, key), false))).isEqualTo(hex(vector));
    }

    @Test
    void decodingIsIndependentOfBufferKindAndReaderIndex() throws Exception {
        for (String vector : List.of(SAMPLE_REQUEST, IPV4_RESPONSE, IPV6_RESPONSE, LONG_TERM_REQUEST)) {
            ByteBuf heap = buffer(hex(vector));
            ByteBuf direct = directOffsetBuffer(hex(vector));
            try {
                assertThat(StunCodec.decode(direct)).isEqualTo(StunCodec.decode(heap));
                assertThat(StunCodec.looksLikeStun(direct)).isTrue();
                assertThat(direct.readerIndex()).isEqualTo(7);
            } finally {
                heap.release();
                direct.release();
            }
            assertThat(heap.refCnt()).isZero();
            assertThat(direct.refCnt()).isZero();
        }
        assertVerifies(SAMPLE_REQUEST, SHORT_TERM_KEY, StunTestSupport::directOffsetBuffer);
    }

    // ------------------------------------------------------------------------------------------------------------

    private void assertReencodesSigned(StunMessage m, byte[] vector, int... paddingOffsets) throws Exception {
        byte[] signed = encode(withoutSecurityAttributes(m), Integrity.sha1(SHORT_TERM_KEY), true);
        int integrityValue = vector.length - 8 - 20;
        assertThat(signed).hasSameSizeAs(vector);
        assertThat(Arrays.copyOf(signed, integrityValue))
                .isEqualTo(Arrays.copyOf(zeroPadding(vector, paddingOffsets), integrityValue));
        assertThat(Arrays.copyOfRange(signed, vector.length - 8, vector.length - 4))
                .isEqualTo(Arrays.copyOfRange(vector, vector.length - 8, vector.length - 4)); // FINGERPRINT header
        ByteBuf raw = buffer(signed);
        try {
            assertThat(StunCodec.verifyIntegrity(raw, SHORT_TERM_KEY)).isTrue();
            assertThat(StunCodec.verifyFingerprint(raw)).isTrue();
            assertThat(withoutSecurityAttributes(StunCodec.decode(raw))).isEqualTo(withoutSecurityAttributes(m));
        } finally {
            raw.release();
        }
    }

    private static void assertVerifies(String vector, byte[] key) {
        assertVerifies(vector, key, StunTestSupport::buffer);
    }

    private static void assertVerifies(String vector, byte[] key, Function<byte[], ByteBuf> wrap) {
        ByteBuf raw = wrap.apply(hex(vector));
        try {
            assertThat(StunCodec.verifyIntegrity(raw, key)).as("MESSAGE-INTEGRITY").isTrue();
            assertThat(StunCodec.verifyFingerprint(raw)).as("FINGERPRINT").isTrue();
            byte[] wrongKey = Arrays.copyOf(key, key.length);
            wrongKey[0] ^= 1;
            assertThat(StunCodec.verifyIntegrity(raw, wrongKey)).isFalse();
        } finally {
            raw.release();
        }
    }

    static StunMessage withoutSecurityAttributes(StunMessage m) {
        return new StunMessage(m.messageClass(), m.method(), m.transactionId(), m.attributes().stream()
                .filter(a -> a.type() != AttributeType.MESSAGE_INTEGRITY
                        && a.type() != AttributeType.MESSAGE_INTEGRITY_SHA256
                        && a.type() != AttributeType.FINGERPRINT)
                .toList());
    }

    private static byte[] zeroPadding(byte[] vector, int... offsets) {
        byte[] copy = vector.clone();
        for (int offset : offsets) {
            assertThat(copy[offset]).as("vector padding at %d", offset).isEqualTo((byte) 0x20);
            copy[offset] = 0;
        }
        return copy;
    }

    private static StunMessage decode(String vector) throws StunParseException {
        ByteBuf raw = buffer(hex(vector));
        try {
            StunMessage m = StunCodec.decode(raw);
            assertThat(raw.refCnt()).isEqualTo(1);
            assertThat(raw.readerIndex()).isZero();
            return m;
        } finally {
            raw.release();
        }
    }

    private byte[] encode(StunMessage m, Integrity integrity, boolean fingerprint) {
        ByteBuf out = StunCodec.encode(m, allocator, integrity, fingerprint);
        try {
            return bytes(out);
        } finally {
            out.release();
        }
    }

    private static byte[] md5(String s) throws Exception {
        return java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
