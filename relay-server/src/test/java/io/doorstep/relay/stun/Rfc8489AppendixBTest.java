package io.doorstep.relay.stun;

import static io.doorstep.relay.stun.StunTestSupport.buffer;
import static io.doorstep.relay.stun.StunTestSupport.bytes;
import static io.doorstep.relay.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.relay.stun.StunAttribute.MessageIntegritySha256;
import io.doorstep.relay.stun.StunAttribute.Nonce;
import io.doorstep.relay.stun.StunAttribute.PasswordAlgorithm;
import io.doorstep.relay.stun.StunAttribute.Realm;
import io.doorstep.relay.stun.StunAttribute.Userhash;
import io.doorstep.relay.stun.StunTestSupport.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 8489 Appendix B.1, "Sample Request with Long-Term Authentication with MESSAGE-INTEGRITY-SHA256 and
 * USERHASH".
 *
 * <p>The vector as published cannot be reproduced: its length field (0x9c) counts the 20-byte header, and its HMAC
 * matches neither the SHA-256 nor the MD5 long-term key because the message lacks the PASSWORD-ALGORITHM attribute
 * that a SHA-256 key requires. Erratum 6268 gives a corrected message (length 0x90, PASSWORD-ALGORITHM SHA-256
 * added, new HMAC); that one this codec reproduces byte for byte.
 */
class Rfc8489AppendixBTest {

    private static final String USERNAME = Rfc5769VectorsTest.USERNAME_2_4;
    private static final String PASSWORD = Rfc5769VectorsTest.PASSWORD_2_4;
    private static final String REALM = "example.org";
    private static final String NONCE = "obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA";

    private static final String COMMON_ATTRIBUTES = """
            00 1e 00 20     # USERHASH attribute header
            4a 3c f3 8f ef 69 92 bd a9 52 c6 78 04 17 da 0f
            24 81 94 15 56 9e 60 b2 05 c4 6e 41 40 7f 17 04
            00 15 00 29     # NONCE attribute header
            6f 62 4d 61 74 4a 6f 73 32 41 41 41 43 66 2f 2f 34 39 39 6b 39 35 34 64
            36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41 00 00 00   # value and padding (3 bytes)
            00 14 00 0b     # REALM attribute header
            65 78 61 6d 70 6c 65 2e 6f 72 67 00   # value (11 bytes) and padding (1 byte)
            """;

    static final String PUBLISHED = """
            00 01 00 9c     # Request type and message length (wrong: counts the header)
            21 12 a4 42     # Magic cookie
            78 ad 34 33 c6 ad 72 c0 29 da 41 2e   # Transaction ID
            """ + COMMON_ATTRIBUTES + """
            00 1c 00 20     # MESSAGE-INTEGRITY-SHA256 attribute header
            e4 68 6c 8f 0e de b5 90 13 e0 70 90 01 0a 93 ef
            cc bc cc 54 4c 0a 45 d9 f8 30 aa 6d 6f 73 5a 01
            """;

    static final String ERRATUM_6268 = """
            00 01 00 90     # Request type and message length
            21 12 a4 42     # Magic cookie
            78 ad 34 33 c6 ad 72 c0 29 da 41 2e   # Transaction ID
            """ + COMMON_ATTRIBUTES + """
            00 1d 00 04     # PASSWORD-ALGORITHM attribute header
            00 02 00 00     # SHA-256, no parameters
            00 1c 00 20     # MESSAGE-INTEGRITY-SHA256 attribute header
            b5 c7 bf 00 5b 6c 52 a2 1c 51 c5 e8 92 f8 19 24
            13 62 96 cb 92 7c 43 14 93 09 27 8c c6 51 8e 65
            """;

    private final TrackingAllocator allocator = new TrackingAllocator(true);

    @AfterEach
    void nothingLeaked() {
        allocator.assertAllReleased();
    }

    @Test
    void userhashOfTheVectorIsReproduced() {
        assertThat(hex(LongTermKey.userhash(USERNAME, REALM)))
                .isEqualTo("4a3cf38fef6992bda952c6780417da0f24819415569e60b205c46e41407f1704");
    }

    @Test
    void publishedVectorHasALengthFieldThatCountsTheHeader() {
        ByteBuf raw = buffer(hex(PUBLISHED));
        try {
            assertThat(raw.readableBytes()).isEqualTo(0x9c);
            assertThatThrownBy(() -> StunCodec.decode(raw))
                    .isInstanceOfSatisfying(StunParseException.class, e -> {
                        assertThat(e.reason()).isEqualTo(StunParseException.Reason.TRUNCATED);
                        assertThat(e.hasHeader()).isTrue();
                    });
            assertThat(StunCodec.verifyIntegrity(raw, LongTermKey.sha256(USERNAME, REALM, PASSWORD))).isFalse();
        } finally {
            raw.release();
        }
    }

    @Test
    void publishedHmacMatchesNoKeyEvenWithTheLengthRepaired() throws Exception {
        byte[] repaired = hex(PUBLISHED);
        repaired[3] = (byte) 0x88;
        ByteBuf raw = buffer(repaired);
        try {
            StunMessage m = StunCodec.decode(raw);
            assertThat(m.has(AttributeType.PASSWORD_ALGORITHM)).isFalse();
            assertThat(StunCodec.verifyIntegrity(raw, LongTermKey.sha256(USERNAME, REALM, PASSWORD))).isFalse();
            assertThat(StunCodec.verifyIntegrity(raw, LongTermKey.md5(USERNAME, REALM, PASSWORD))).isFalse();
        } finally {
            raw.release();
        }
    }

    @Test
    void correctedVectorDecodesVerifiesAndReencodesByteForByte() throws Exception {
        byte[] vector = hex(ERRATUM_6268);
        ByteBuf raw = buffer(vector);
        StunMessage m;
        try {
            m = StunCodec.decode(raw);
            byte[] key = LongTermKey.forAlgorithm(PasswordAlgorithm.SHA_256, USERNAME, REALM, PASSWORD);
            assertThat(key).isEqualTo(LongTermKey.sha256(USERNAME, REALM, "TheMatrIX"));
            assertThat(StunCodec.verifyIntegrity(raw, key)).isTrue();
            assertThat(StunCodec.verifyIntegrity(raw, LongTermKey.md5(USERNAME, REALM, PASSWORD))).isFalse();
        } finally {
            raw.release();
        }
        assertThat(m.method()).isEqualTo(StunMethod.BINDING);
        assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(m.attributes()).containsExactly(
                new Userhash(LongTermKey.userhash(USERNAME, REALM)),
                new Nonce(NONCE),
                new Realm(REALM),
                PasswordAlgorithm.of(PasswordAlgorithm.SHA_256),
                new MessageIntegritySha256(hex("b5c7bf005b6c52a21c51c5e892f81924136296cb927c43149309278cc6518e65")));

        StunMessage unsigned = Rfc5769VectorsTest.withoutSecurityAttributes(m);
        byte[] key = LongTermKey.sha256(USERNAME, REALM, PASSWORD);
        ByteBuf out = StunCodec.encode(unsigned, allocator, Integrity.sha256(key), false);
        try {
            assertThat(hex(out)).isEqualTo(hex(vector));
        } finally {
            out.release();
        }
        ByteBuf matching = StunCodec.encode(unsigned, allocator, Integrity.matching(m, key), false);
        try {
            assertThat(bytes(matching)).isEqualTo(vector);
        } finally {
            matching.release();
        }
    }
}
