package io.doorstep.relay.stun;

import static io.doorstep.relay.stun.StunTestSupport.buffer;
import static io.doorstep.relay.stun.StunTestSupport.bytes;
import static io.doorstep.relay.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.doorstep.relay.stun.StunAttribute.Fingerprint;
import io.doorstep.relay.stun.StunAttribute.Lifetime;
import io.doorstep.relay.stun.StunAttribute.MessageIntegrity;
import io.doorstep.relay.stun.StunAttribute.MessageIntegritySha256;
import io.doorstep.relay.stun.StunAttribute.Nonce;
import io.doorstep.relay.stun.StunAttribute.Realm;
import io.doorstep.relay.stun.StunAttribute.RequestedTransport;
import io.doorstep.relay.stun.StunAttribute.Software;
import io.doorstep.relay.stun.StunAttribute.Username;
import io.doorstep.relay.stun.StunTestSupport.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.5, §14.6) and FINGERPRINT (§14.7). */
class IntegrityAndFingerprintTest {

    private static final byte[] KEY = LongTermKey.md5("1735689600:station-0042", "doorstep", "c2VjcmV0");

    private final TrackingAllocator allocator = new TrackingAllocator(true);

    @AfterEach
    void nothingLeaked() {
        allocator.assertAllReleased();
    }

    private static StunMessage allocate() {
        return StunMessage.of(StunClass.REQUEST, StunMethod.ALLOCATE, AttributeRoundTripTest.TID,
                new RequestedTransport(RequestedTransport.UDP), new Lifetime(600),
                new Username("1735689600:station-0042"), new Realm("doorstep"),
                new Nonce("obMatJos2AAACnonce"), new Software("libwebrtc"));
    }

    private byte[] encode(StunMessage m, Integrity integrity, boolean fingerprint) {
        ByteBuf out = StunCodec.encode(m, allocator, integrity, fingerprint);
        try {
            return bytes(out);
        } finally {
            out.release();
        }
    }

    private static boolean verifies(byte[] wire, byte[] key) {
        ByteBuf raw = buffer(wire);
        try {
            return StunCodec.verifyIntegrity(raw, key);
        } finally {
            raw.release();
        }
    }

    private static boolean fingerprintOk(byte[] wire) {
        ByteBuf raw = buffer(wire);
        try {
            return StunCodec.verifyFingerprint(raw);
        } finally {
            raw.release();
        }
    }

    /** HMAC computed here independently: header with the length ending at the integrity attribute. */
    private static byte[] referenceHmac(String algorithm, byte[] wire, int attributeOffset, int valueLength)
            throws Exception {
        byte[] prefix = Arrays.copyOf(wire, attributeOffset);
        int adjusted = attributeOffset - 20 + 4 + valueLength;
        prefix[2] = (byte) (adjusted >> 8);
        prefix[3] = (byte) adjusted;
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(KEY, algorithm));
        return Arrays.copyOf(mac.doFinal(prefix), valueLength);
    }

    @Test
    void sha1IntegrityIsTheLastAttributeAndCoversTheAdjustedHeader() throws Exception {
        byte[] wire = encode(allocate(), Integrity.sha1(KEY), false);
        int mi = wire.length - 24;
        assertThat(hex(Arrays.copyOfRange(wire, mi, mi + 4))).isEqualTo("00080014");
        assertThat(Arrays.copyOfRange(wire, mi + 4, wire.length)).isEqualTo(referenceHmac("HmacSHA1", wire, mi, 20));
        assertThat(verifies(wire, KEY)).isTrue();
        assertThat(fingerprintOk(wire)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 20, 24, 28, 32})
    void sha256IntegrityMayBeTruncated(int length) throws Exception {
        byte[] wire = encode(allocate(), Integrity.sha256(KEY, length), false);
        int mi = wire.length - 4 - length;
        assertThat(Arrays.copyOfRange(wire, mi + 4, wire.length))
                .isEqualTo(referenceHmac("HmacSHA256", wire, mi, length));
        assertThat(verifies(wire, KEY)).isTrue();
        StunMessage decoded = decode(wire);
        assertThat(decoded.first(MessageIntegritySha256.class).orElseThrow().hmac()).hasSize(length);
        assertThat(Integrity.matching(decoded, KEY).sha256Length()).isEqualTo(length);
        assertThat(Integrity.matching(decoded, KEY).includesSha1()).isFalse();
    }

    @Test
    void bothIntegritiesAndFingerprintInTheOrderReceiversRead() throws Exception {
        byte[] wire = encode(allocate(), Integrity.sha1AndSha256(KEY), true);
        StunMessage decoded = decode(wire);
        int n = decoded.attributes().size();
        assertThat(decoded.attributes().get(n - 3)).isInstanceOf(MessageIntegrity.class);
        assertThat(decoded.attributes().get(n - 2)).isInstanceOf(MessageIntegritySha256.class);
        assertThat(decoded.attributes().get(n - 1)).isInstanceOf(Fingerprint.class);
        assertThat(verifies(wire, KEY)).isTrue();
        assertThat(fingerprintOk(wire)).isTrue();
        // MESSAGE-INTEGRITY-SHA256 covers MESSAGE-INTEGRITY, so breaking either breaks the message.
        int mi = wire.length - 8 - 36 - 24;
        byte[] brokenSha1 = wire.clone();
        brokenSha1[mi + 4] ^= 1;
        assertThat(verifies(brokenSha1, KEY)).isFalse();
        byte[] brokenSha256 = wire.clone();
        brokenSha256[wire.length - 8 - 1] ^= 1;
        assertThat(verifies(brokenSha256, KEY)).isFalse();
        // The SHA-1 HMAC of the SHA-1-only encoding is the same, since nothing after it is covered.
        assertThat(Arrays.copyOfRange(wire, mi, mi + 24))
                .isEqualTo(Arrays.copyOfRange(encode(allocate(), Integrity.sha1(KEY), false), mi, mi + 24));
        assertThat(Integrity.matching(decoded, KEY).sha256Length()).isEqualTo(32);
    }

    @Test
    void sha256DecidesWhenBothArePresent() throws Exception {
        // MESSAGE-INTEGRITY of zeros, then a correct MESSAGE-INTEGRITY-SHA256 over it: the message verifies,
        // because a receiver that understands SHA-256 checks only that one (RFC 8489 §9.2.4).
        byte[] unsigned = encode(allocate(), null, false);
        byte[] withMi = Arrays.copyOf(unsigned, unsigned.length + 24);
        System.arraycopy(hex("00080014"), 0, withMi, unsigned.length, 4);
        int sha = withMi.length;
        byte[] hmac = referenceHmac("HmacSHA256", withMi, sha, 32);
        byte[] wire = Arrays.copyOf(withMi, sha + 36);
        System.arraycopy(hex("001c0020"), 0, wire, sha, 4);
        System.arraycopy(hmac, 0, wire, sha + 4, 32);
        wire[2] = (byte) ((wire.length - 20) >> 8);
        wire[3] = (byte) (wire.length - 20);
        assertThat(verifies(wire, KEY)).isTrue();
        // Whereas with MESSAGE-INTEGRITY alone, zeros do not verify.
        byte[] sha1Only = Arrays.copyOf(withMi, sha);
        sha1Only[2] = (byte) ((sha1Only.length - 20) >> 8);
        sha1Only[3] = (byte) (sha1Only.length - 20);
        assertThat(verifies(sha1Only, KEY)).isFalse();
    }

    @Test
    void anyChangedByteBreaksIntegrity() {
        byte[] wire = encode(allocate(), Integrity.sha1(KEY), true);
        int fingerprint = wire.length - 8;
        for (int i = 0; i < fingerprint; i++) {
            byte[] tampered = wire.clone();
            tampered[i] ^= 0x01;
            // Padding bytes too: the HMAC covers them like any other byte.
            assertThat(verifies(tampered, KEY)).as("byte %d flipped", i).isFalse();
            assertThat(fingerprintOk(tampered)).as("fingerprint, byte %d flipped", i).isFalse();
        }
        // Changing FINGERPRINT, which comes after MESSAGE-INTEGRITY, leaves integrity intact.
        byte[] tampered = wire.clone();
        tampered[wire.length - 1] ^= 1;
        assertThat(verifies(tampered, KEY)).isTrue();
        assertThat(fingerprintOk(tampered)).isFalse();
        byte[] otherKey = KEY.clone();
        otherKey[15] ^= 1;
        assertThat(verifies(wire, otherKey)).isFalse();
    }

    @Test
    void attributesAReceiverIgnoresDoNotAffectVerification() throws Exception {
        byte[] signed = encode(allocate(), Integrity.sha1(KEY), false);
        // Append SOFTWARE after MESSAGE-INTEGRITY, then FINGERPRINT, fixing the length field for each.
        ByteBuf raw = io.netty.buffer.Unpooled.buffer();
        try {
            raw.writeBytes(signed).writeShort(AttributeType.SOFTWARE).writeShort(4).writeBytes("evil".getBytes());
            raw.setShort(2, raw.readableBytes() - 20 + 8);
            CRC32 crc = new CRC32();
            crc.update(bytes(raw));
            raw.writeShort(AttributeType.FINGERPRINT).writeShort(4).writeInt((int) crc.getValue() ^ 0x5354554e);
            assertThat(StunCodec.verifyIntegrity(raw, KEY)).isTrue();
            assertThat(StunCodec.verifyFingerprint(raw)).isTrue();
            StunMessage decoded = StunCodec.decode(raw);
            assertThat(decoded.all(Software.class)).containsExactly(new Software("libwebrtc"));
            assertThat(decoded.has(AttributeType.FINGERPRINT)).isTrue();
        } finally {
            raw.release();
        }
    }

    @Test
    void missingOrMalformedIntegrityNeverVerifies() {
        assertThat(verifies(encode(allocate(), null, true), KEY)).isFalse();
        assertThat(verifies(new byte[0], KEY)).isFalse();
        assertThat(verifies(hex("0001 0000 2112a442 0102030405060708090a0b0c"), KEY)).isFalse();
        // MESSAGE-INTEGRITY of the wrong length (written verbatim through an Unknown).
        StunMessage shortMi = StunMessage.of(StunClass.REQUEST, StunMethod.BINDING, AttributeRoundTripTest.TID,
                new StunAttribute.Unknown(AttributeType.MESSAGE_INTEGRITY, new byte[16]));
        assertThat(verifies(encode(shortMi, null, false), KEY)).isFalse();
        StunMessage badSha = StunMessage.of(StunClass.REQUEST, StunMethod.BINDING, AttributeRoundTripTest.TID,
                new StunAttribute.Unknown(AttributeType.MESSAGE_INTEGRITY_SHA256, new byte[12]));
        assertThat(verifies(encode(badSha, null, false), KEY)).isFalse();
    }

    @Test
    void emptyKeyIsAValidHmacKey() throws Exception {
        byte[] wire = encode(allocate(), Integrity.sha1AndSha256(new byte[0]), false);
        assertThat(verifies(wire, new byte[0])).isTrue();
        assertThat(verifies(wire, new byte[] {1})).isFalse();
        // Cross-check against RFC 2104: an empty key is zero-padded to the block size.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(new byte[64], "HmacSHA256"));
        int mi = wire.length - 36;
        byte[] prefix = Arrays.copyOf(wire, mi);
        prefix[3] = (byte) (mi - 20 + 36);
        assertThat(Arrays.copyOfRange(wire, mi + 4, wire.length)).isEqualTo(mac.doFinal(prefix));
    }

    @Test
    void fingerprintMatchesAnIndependentCrc() {
        byte[] wire = encode(allocate(), null, true);
        CRC32 crc = new CRC32();
        crc.update(wire, 0, wire.length - 8);
        int expected = (int) crc.getValue() ^ 0x5354554e;
        assertThat(decode(wire).first(Fingerprint.class).orElseThrow().crc()).isEqualTo(expected);
        assertThat(fingerprintOk(wire)).isTrue();
        // A FINGERPRINT record passed in verbatim is written as it is (wrong here), and does not verify.
        StunMessage verbatim = StunMessage.of(StunClass.INDICATION, StunMethod.BINDING, AttributeRoundTripTest.TID,
                new Fingerprint(0));
        assertThat(fingerprintOk(encode(verbatim, null, false))).isFalse();
    }

    @Test
    void integrityOrFingerprintCannotBeAddedTwice() {
        StunMessage withMi = StunMessage.of(StunClass.REQUEST, StunMethod.BINDING, AttributeRoundTripTest.TID,
                new MessageIntegrity(new byte[20]));
        assertThatThrownBy(() -> StunCodec.encode(withMi, allocator, Integrity.sha1(KEY), false))
                .isInstanceOf(IllegalArgumentException.class);
        StunMessage withFp = StunMessage.of(StunClass.REQUEST, StunMethod.BINDING, AttributeRoundTripTest.TID,
                new Fingerprint(1));
        assertThatThrownBy(() -> StunCodec.encode(withFp, allocator, null, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Integrity.sha256(KEY, 20 + 2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(allocator.allocations()).isZero(); // refused before allocating
    }

    @Test
    void oversizedMessagesAreRefusedAndReleased() {
        StunMessage big = StunMessage.of(StunClass.INDICATION, StunMethod.SEND, AttributeRoundTripTest.TID,
                new StunAttribute.Data(new byte[0xFFFF - 4]), new StunAttribute.Data(new byte[0]));
        assertThatThrownBy(() -> StunCodec.encode(big, allocator, null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16-bit length");
        // Fits alone, not with FINGERPRINT added.
        StunMessage almost = StunMessage.of(StunClass.INDICATION, StunMethod.SEND, AttributeRoundTripTest.TID,
                new StunAttribute.Data(new byte[StunCodec.MAX_BODY_LENGTH - 4]));
        StunCodec.encode(almost, allocator, null, false).release();
        assertThatThrownBy(() -> StunCodec.encode(almost, allocator, null, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(allocator.allocations()).isEqualTo(3);
    }

    private static StunMessage decode(byte[] wire) {
        ByteBuf raw = buffer(wire);
        try {
            return StunCodec.decode(raw);
        } catch (StunParseException e) {
            throw new AssertionError(e);
        } finally {
            raw.release();
        }
    }

    @Test
    void shortTermKeyIsThePasswordBytes() {
        byte[] key = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
        byte[] wire = encode(allocate(), Integrity.sha1(key), true);
        assertThat(verifies(wire, key)).isTrue();
        assertThat(fingerprintOk(wire)).isTrue();
    }
}
