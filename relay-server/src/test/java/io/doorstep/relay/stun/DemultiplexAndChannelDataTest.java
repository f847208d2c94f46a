package io.doorstep.relay.stun;

import static io.doorstep.relay.stun.StunTestSupport.buffer;
import static io.doorstep.relay.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Telling STUN from ChannelData (and from RTP, DTLS) on one socket, and the ChannelData header (RFC 8656 §12). */
class DemultiplexAndChannelDataTest {

    private static final String BINDING = "0001 0000 2112a442 0102030405060708090a0b0c";

    @Test
    void stunIsRecognisedByBitsCookieAndLength() {
        assertLooksLikeStun(BINDING, true);
        assertLooksLikeStun(BINDING + " 80220004 61626364", true); // length field 0, bytes beyond: decode's job
        assertLooksLikeStun("0001 0004 2112a442 0102030405060708090a0b0c 00000000", true);
        assertLooksLikeStun("0001 0002 2112a442 0102030405060708090a0b0c 0000", false); // length not multiple of 4
        assertLooksLikeStun("0001 0000 2112a443 0102030405060708090a0b0c", false); // cookie
        assertLooksLikeStun("4001 0000 2112a442 0102030405060708090a0b0c", false); // ChannelData bits
        assertLooksLikeStun("8001 0000 2112a442 0102030405060708090a0b0c", false); // RTP bits
        assertLooksLikeStun("0001 0000 2112a442 0102030405060708090a0b", false); // 19 bytes
        assertLooksLikeStun("", false);
    }

    private static void assertLooksLikeStun(String hex, boolean expected) {
        ByteBuf buf = buffer(hex(hex));
        try {
            assertThat(StunCodec.looksLikeStun(buf)).as(hex).isEqualTo(expected);
            assertThat(ChannelData.isChannelData(buf) && expected).as("never both").isFalse();
        } finally {
            buf.release();
        }
    }

    @Test
    void channelDataHeaderIsReadInPlace() {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeZero(3).readerIndex(3); // non-zero reader index
            ChannelData.writeHeader(buf, 0x4001, 5);
            buf.writeBytes(hex("0102030405"));
            assertThat(ChannelData.isChannelData(buf)).isTrue();
            assertThat(ChannelData.channelNumber(buf)).isEqualTo(0x4001);
            assertThat(ChannelData.dataLength(buf)).isEqualTo(5);
            assertThat(ChannelData.isComplete(buf)).isTrue();
            assertThat(StunCodec.looksLikeStun(buf)).isFalse();
            assertThat(buf.readerIndex()).isEqualTo(3);
            assertThat(buf.refCnt()).isEqualTo(1);

            ByteBuf payload = buf.retainedSlice(buf.readerIndex() + ChannelData.HEADER_LENGTH, ChannelData.dataLength(buf));
            assertThat(StunTestSupport.bytes(payload)).isEqualTo(hex("0102030405"));
            payload.release();
        } finally {
            buf.release();
        }
        assertThat(buf.refCnt()).isZero();
    }

    @Test
    void channelDataFirstByteRangeIs0x40To0x7F() {
        for (int first = 0; first < 256; first++) {
            ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {(byte) first, 0, 0, 0});
            try {
                assertThat(ChannelData.isChannelData(buf)).as("0x%02x", first).isEqualTo(first >= 0x40 && first <= 0x7F);
            } finally {
                buf.release();
            }
        }
        ByteBuf threeBytes = buffer(hex("400000"));
        try {
            assertThat(ChannelData.isChannelData(threeBytes)).isFalse();
        } finally {
            threeBytes.release();
        }
    }

    @Test
    void udpChannelDataMayCarryPaddingButNotLessThanItsLength() {
        assertComplete("4000 0003 010203", true);
        assertComplete("4000 0003 01020300", true); // padded, allowed over UDP
        assertComplete("4000 0000", true); // zero length is valid
        assertComplete("4000 0004 010203", false); // RFC 8656 §12.5: shorter than 4 + Length is discarded
        assertComplete("7fff 0000", true); // RFC 5766's range, still bound by clients in the field
        assertComplete("8000 0000", false); // not ChannelData
    }

    private static void assertComplete(String hex, boolean expected) {
        ByteBuf buf = buffer(hex(hex));
        try {
            assertThat(ChannelData.isComplete(buf)).as(hex).isEqualTo(expected);
        } finally {
            buf.release();
        }
    }

    @Test
    void channelNumbersAndPadding() {
        assertThat(ChannelData.isValidChannelNumber(0x3FFF)).isFalse();
        assertThat(ChannelData.isValidChannelNumber(0x4000)).isTrue();
        assertThat(ChannelData.isValidChannelNumber(0x4FFF)).isTrue();
        assertThat(ChannelData.isValidChannelNumber(0x5000)).as("RFC 5766 range").isTrue();
        assertThat(ChannelData.isValidChannelNumber(0x7FFF)).isTrue();
        assertThat(ChannelData.isValidChannelNumber(0x8000)).isFalse();
        assertThat(ChannelData.padding(0)).isZero();
        assertThat(ChannelData.padding(1)).isEqualTo(3);
        assertThat(ChannelData.padding(1200)).isZero();
        assertThat(ChannelData.padding(1203)).isEqualTo(1);
        assertThat(ChannelData.streamLength(1203)).isEqualTo(1208);
        ByteBuf out = Unpooled.buffer();
        try {
            assertThatThrownBy(() -> ChannelData.writeHeader(out, 0x8000, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ChannelData.writeHeader(out, 0x4000, 0x10000))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(out.readableBytes()).isZero();
        } finally {
            out.release();
        }
    }

    @Test
    void streamFramingCoversStunAndPaddedChannelData() {
        assertFrame("", StunCodec.NEED_MORE_BYTES);
        assertFrame("000100", StunCodec.NEED_MORE_BYTES);
        assertFrame("0001 0008", 28);
        assertFrame(BINDING, 20);
        assertFrame("4001 0005 01020304 05", 12); // padded to 4 over TCP
        assertFrame("4001 0004", 8);
        assertFrame("4fff 0000", 4);
        assertFrame("8000 0000", StunCodec.NOT_A_FRAME);
        assertFrame("7fff 0000", 4);
        assertFrame("c000 0000", StunCodec.NOT_A_FRAME);
    }

    private static void assertFrame(String hex, int expected) {
        ByteBuf buf = buffer(hex(hex));
        try {
            assertThat(StunCodec.streamFrameLength(buf)).as(hex).isEqualTo(expected);
        } finally {
            buf.release();
        }
    }
}
