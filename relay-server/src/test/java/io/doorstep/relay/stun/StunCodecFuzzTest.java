package io.doorstep.relay.stun;

import static io.doorstep.relay.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.doorstep.relay.stun.StunAttribute.Fingerprint;
import io.doorstep.relay.stun.StunAttribute.MessageIntegrity;
import io.doorstep.relay.stun.StunAttribute.MessageIntegritySha256;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bounded fuzzing of the decoder and the verifiers: 200,000 random, structured-random and mutated inputs. For
 * every input, decode either returns a message or throws StunParseException, never anything else; the input
 * buffer's indices and reference count are untouched; and whatever decodes re-encodes to bytes that decode to the
 * same message. Reproducible: the seed is fixed unless {@code -Dstun.fuzz.seed} overrides it.
 */
class StunCodecFuzzTest {

    private static final int RANDOM = 40_000;
    private static final int STRUCTURED = 60_000;
    private static final int MUTATED = 100_000;
    private static final byte[] KEY = LongTermKey.md5("user", "realm", "pass");
    private static final int TRACKED_EVERY = 50;
    private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

    /** Attribute types the structured generator picks from: every known one plus a few unknown. */
    private static final int[] TYPES = {
        0x0001, 0x0006, 0x0008, 0x0009, 0x000A, 0x000C, 0x000D, 0x0012, 0x0013, 0x0014, 0x0015, 0x0016, 0x0017,
        0x0018, 0x0019, 0x001A, 0x001C, 0x001D, 0x001E, 0x0020, 0x0022, 0x0024, 0x002A, 0x8000, 0x8001, 0x8002,
        0x8003, 0x8004, 0x8022, 0x8023, 0x8028, 0x8029, 0x7FFF, 0xFFFF,
    };

    private final Map<StunParseException.Reason, Integer> failures = new EnumMap<>(StunParseException.Reason.class);
    private int decoded;
    private int reencoded;
    private int refusedReencode;

    @Test
    void decodeThrowsOnlyStunParseExceptionAndNeverLeaks() {
        long seed = Long.getLong("stun.fuzz.seed", 0x5EED_D00E_5739L);
        Random random = new Random(seed);
        List<byte[]> seeds = seeds();
        // Paranoid leak detection records a stack trace on every access to a tracked buffer, which would make this
        // run take minutes; so most inputs go through untracked buffers and one in TRACKED_EVERY through a tracked,
        // pooled direct one (reference counts are asserted for all of them either way).
        ByteBuf heap = Unpooled.wrappedBuffer(new byte[70_000]);
        ByteBuf direct = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(70_000));
        ByteBuf tracked = PooledByteBufAllocator.DEFAULT.directBuffer(70_000);
        try {
            for (int i = 0; i < RANDOM; i++) {
                byte[] input = new byte[random.nextInt(120)];
                random.nextBytes(input);
                if (i % 2 == 0 && input.length >= 8) { // half get past the first header checks
                    input[0] &= 0x3F;
                    input[4] = 0x21;
                    input[5] = 0x12;
                    input[6] = (byte) 0xA4;
                    input[7] = 0x42;
                }
                check(input, pick(heap, direct, tracked, random), random, seed);
            }
            for (int i = 0; i < STRUCTURED; i++) {
                check(structured(random), pick(heap, direct, tracked, random), random, seed);
            }
            for (int i = 0; i < MUTATED; i++) {
                byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
                check(input, pick(heap, direct, tracked, random), random, seed);
            }
        } finally {
            heap.release();
            direct.release();
            tracked.release();
        }
        assertThat(heap.refCnt()).isZero();
        assertThat(direct.refCnt()).isZero();
        assertThat(tracked.refCnt()).isZero();

        System.out.printf("STUN fuzz (seed %d): %d decoded, %d re-encoded, %d refused re-encode, failures %s%n",
                seed, decoded, reencoded, refusedReencode, failures);
        // The generators must reach every outcome, or the run proves little.
        assertThat(failures.keySet()).containsExactlyInAnyOrder(StunParseException.Reason.values());
        assertThat(decoded).isGreaterThan(20_000);
        assertThat(reencoded).isGreaterThan(20_000);
        assertThat(refusedReencode).isPositive();
    }

    private int picks;

    private ByteBuf pick(ByteBuf heap, ByteBuf direct, ByteBuf tracked, Random random) {
        if (++picks % TRACKED_EVERY == 0) {
            return tracked;
        }
        return random.nextBoolean() ? heap : direct;
    }

    private void check(byte[] input, ByteBuf buf, Random random, long seed) {
        int offset = random.nextInt(4);
        buf.clear().writeZero(offset).writeBytes(input).readerIndex(offset);
        int readerIndex = buf.readerIndex();
        int writerIndex = buf.writerIndex();
        try {
            StunMessage message;
            try {
                message = StunCodec.decode(buf);
            } catch (StunParseException e) {
                failures.merge(e.reason(), 1, Integer::sum);
                message = null;
            }
            StunCodec.verifyIntegrity(buf, KEY);
            StunCodec.verifyFingerprint(buf);
            boolean looksLikeStun = StunCodec.looksLikeStun(buf);
            StunCodec.streamFrameLength(buf);
            if (ChannelData.isChannelData(buf)) {
                ChannelData.channelNumber(buf);
                ChannelData.dataLength(buf);
                ChannelData.isComplete(buf);
            }
            assertThat(buf.readerIndex()).isEqualTo(readerIndex);
            assertThat(buf.writerIndex()).isEqualTo(writerIndex);
            assertThat(buf.refCnt()).isEqualTo(1);
            if (message != null) {
                decoded++;
                assertThat(looksLikeStun).isTrue();
                reencode(message, picks % TRACKED_EVERY == 0 ? ByteBufAllocator.DEFAULT : UNTRACKED);
            }
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("seed " + seed + ", input " + hex(input) + ": " + e, e);
        }
    }

    private void reencode(StunMessage message, ByteBufAllocator allocator) {
        ByteBuf wire;
        try {
            wire = StunCodec.encode(message, allocator, null, false);
        } catch (IllegalArgumentException e) {
            refusedReencode++; // e.g. a 700-byte NONCE: legal to receive, too long to send (RFC 8489 §14.10)
            return;
        }
        try {
            assertThat(StunCodec.decode(wire)).isEqualTo(message);
            reencoded++;
        } catch (StunParseException e) {
            throw new AssertionError("re-encoded " + message + " does not decode: " + e.getMessage(), e);
        } finally {
            wire.release();
        }
        assertThat(wire.refCnt()).isZero();
    }

    /** A valid header and attributes with consistent lengths but random types and values. */
    private static byte[] structured(Random random) {
        ByteBuf b = Unpooled.buffer();
        try {
            b.writeShort(MessageType.encode(random.nextInt(0x1000), StunClass.fromBits(random.nextInt(4))));
            b.writeShort(0).writeInt(StunCodec.MAGIC_COOKIE);
            byte[] tid = new byte[12];
            random.nextBytes(tid);
            b.writeBytes(tid);
            int count = random.nextInt(6);
            for (int i = 0; i < count; i++) {
                int type = TYPES[random.nextInt(TYPES.length)];
                int length = switch (random.nextInt(50)) {
                    case 0 -> 120 + random.nextInt(700); // long text: decodable, maybe too long to send
                    case 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 -> random.nextInt(5);
                    case 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24 ->
                            new int[] {4, 8, 20, 32, 1, 0, 16, 24}[random.nextInt(8)];
                    default -> random.nextInt(40);
                };
                byte[] value = new byte[length];
                random.nextBytes(value);
                if (random.nextBoolean() && length >= 2) {
                    value[1] = (byte) (1 + random.nextInt(2)); // a plausible address family
                }
                if (random.nextInt(3) == 0) { // printable text for the string attributes
                    for (int j = 0; j < length; j++) {
                        value[j] = (byte) (0x20 + random.nextInt(0x5F));
                    }
                }
                if (type == AttributeType.ERROR_CODE && length >= 4 && random.nextBoolean()) {
                    value[2] = (byte) (3 + random.nextInt(4));
                    value[3] = (byte) random.nextInt(100);
                }
                b.writeShort(type).writeShort(length).writeBytes(value).writeZero((4 - length % 4) % 4);
            }
            b.setShort(2, b.readableBytes() - StunCodec.HEADER_LENGTH);
            return StunTestSupport.bytes(b);
        } finally {
            b.release();
        }
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] b = seed.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(8)) {
                case 0 -> { // flip a bit
                    if (b.length > 0) {
                        int i = random.nextInt(b.length);
                        b[i] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> { // random byte
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1)); // truncate
                case 3 -> { // extend with random bytes
                    byte[] extra = new byte[1 + random.nextInt(12)];
                    random.nextBytes(extra);
                    byte[] longer = java.util.Arrays.copyOf(b, b.length + extra.length);
                    System.arraycopy(extra, 0, longer, b.length, extra.length);
                    b = longer;
                }
                case 4 -> { // an attribute-sized length field somewhere past the header
                    if (b.length >= 24) {
                        int i = 20 + 4 * random.nextInt((b.length - 20) / 4) + 2;
                        if (i + 1 < b.length) {
                            int value = random.nextInt(3) == 0 ? random.nextInt(0x10000) : random.nextInt(64);
                            b[i] = (byte) (value >> 8);
                            b[i + 1] = (byte) value;
                        }
                    }
                }
                case 5 -> { // header length field, kept a multiple of 4 half the time
                    if (b.length >= 4) {
                        int value = random.nextInt(b.length + 16);
                        if (random.nextBoolean()) {
                            value &= ~3;
                        }
                        b[2] = (byte) (value >> 8);
                        b[3] = (byte) value;
                    }
                }
                case 6 -> { // an attribute type swapped for another known one
                    if (b.length >= 24) {
                        int i = 20 + 4 * random.nextInt((b.length - 20) / 4);
                        int type = TYPES[random.nextInt(TYPES.length)];
                        b[i] = (byte) (type >> 8);
                        b[i + 1] = (byte) type;
                    }
                }
                default -> { // duplicate a 4-aligned region, fixing the header length
                    if (b.length >= 28) {
                        int from = 20 + 4 * random.nextInt((b.length - 20) / 4);
                        int len = Math.min(4 * (1 + random.nextInt(4)), b.length - from);
                        byte[] longer = new byte[b.length + len];
                        System.arraycopy(b, 0, longer, 0, from + len);
                        System.arraycopy(b, from, longer, from + len, b.length - from);
                        int body = longer.length - 20;
                        longer[2] = (byte) (body >> 8);
                        longer[3] = (byte) body;
                        b = longer;
                    }
                }
            }
        }
        return b;
    }

    /** Valid messages covering every attribute, the RFC vectors, and signed/fingerprinted variants. */
    private static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(hex(Rfc5769VectorsTest.SAMPLE_REQUEST));
        seeds.add(hex(Rfc5769VectorsTest.IPV4_RESPONSE));
        seeds.add(hex(Rfc5769VectorsTest.IPV6_RESPONSE));
        seeds.add(hex(Rfc5769VectorsTest.LONG_TERM_REQUEST));
        seeds.add(hex(Rfc8489AppendixBTest.ERRATUM_6268));
        List<StunAttribute> plain = AttributeRoundTripTest.samples().stream()
                .filter(a -> !(a instanceof MessageIntegrity || a instanceof MessageIntegritySha256
                        || a instanceof Fingerprint))
                .toList();
        for (int i = 0; i < plain.size(); i += 5) {
            StunMessage m = new StunMessage(StunClass.REQUEST, StunMethod.ALLOCATE, TransactionId.random(),
                    plain.subList(i, Math.min(plain.size(), i + 5)));
            seeds.add(encode(m, i % 3 == 0 ? Integrity.sha1AndSha256(KEY) : null, i % 2 == 0));
        }
        for (StunAttribute a : AttributeRoundTripTest.samples()) {
            if (!(a instanceof StunAttribute.Data d && d.value().length > 100)) {
                seeds.add(encode(StunMessage.of(StunClass.INDICATION, StunMethod.SEND, TransactionId.random(), a),
                        null, false));
            }
        }
        return seeds;
    }

    private static byte[] encode(StunMessage m, Integrity integrity, boolean fingerprint) {
        ByteBuf out = StunCodec.encode(m, ByteBufAllocator.DEFAULT, integrity, fingerprint);
        try {
            return StunTestSupport.bytes(out);
        } finally {
            out.release();
        }
    }
}
